"""UI pieces outside a page: the training-slot bound, the pace notice, the gc freeze, the export bundle,
history CSV."""

import io
import json
import os
import subprocess
import sys
import threading
import zipfile

import plotly.graph_objects as go
from streamlit.testing.v1 import AppTest

from mmplay.i18n import language
from mmplay.labs import CATALOG, synergy
from mmplay.ui import live, runtime
from mmplay.ui.export import export_zip, history_csv
from tests.app.helpers import ROOT


def test_training_slots_bound_concurrent_ticks(monkeypatch):
    runtime._training_slots.clear()
    monkeypatch.setenv("MMPLAY_MAX_TRAINING", "1")
    held, released = threading.Event(), threading.Event()

    def hold() -> None:
        with runtime.training_slot() as ok:
            assert ok
            held.set()
            released.wait(5)

    worker = threading.Thread(target=hold)
    worker.start()
    held.wait(5)
    with runtime.training_slot(timeout_s=0.05) as ok:
        assert not ok  # the only slot is taken: this tick waits
    released.set()
    worker.join()
    with runtime.training_slot(timeout_s=0.05) as ok:
        assert ok
    runtime._training_slots.clear()


def test_export_bundle_holds_config_metrics_history_and_offline_figures():
    rows = [{"step": 1, "loss.a": 0.5}, {"step": 2, "loss.a": 0.4, "acc": 0.9}]
    figures = {"f": go.Figure(go.Bar(y=[1])), "g": go.Figure()}
    data = export_zip("synergy", synergy.Config(), {"acc": 0.9}, rows, figures)
    bundle = zipfile.ZipFile(io.BytesIO(data))
    assert sorted(bundle.namelist()) == ["README.md", "config.json", "figures.html", "history.csv", "metrics.csv"]
    readme = bundle.read("README.md").decode()
    assert readme.startswith("# mmplay export: Synergy (XOR)") and "Trained for 2 steps" in readme
    assert "`/synergy?preset=xor&noise=0.3&" in readme
    assert json.loads(bundle.read("config.json"))["config"]["preset"] == "xor"
    assert bundle.read("history.csv").decode().splitlines()[0] == "step,loss.a,acc"
    assert bundle.read("metrics.csv").decode().splitlines() == ["metric,value", "acc,0.9"]
    html = bundle.read("figures.html").decode()
    assert html.count("plotly.js") >= 1 and html.count('class="plotly-graph-div"') == 2


def test_export_readme_speaks_the_session_language():
    with language("zh"):
        data = export_zip("synergy", synergy.Config(), {}, [{"step": 5}], {})
        title = str(synergy.LAB.entry.title)
    readme = zipfile.ZipFile(io.BytesIO(data)).read("README.md").decode()
    assert title.startswith("协同") and readme.startswith(f"# mmplay 导出：{title}\n")
    assert "已训练 5 步" in readme and "`/synergy?preset=xor" in readme


def test_history_csv_fills_missing_columns():
    assert history_csv([{"a": 1}, {"b": 2}]).splitlines() == ["a,b", "1,", ",2"]


LOAD_AND_COUNT = """
import gc, importlib, json, sys
from mmplay.ui import runtime
from mmplay.labs import CATALOG
for lab in CATALOG:
    importlib.import_module(f"mmplay.labs.{lab.slug}")
runtime.freeze_loaded_objects()
walked = len(gc.get_objects())  # what Streamlit's gc.collect() after each run now walks
cycle = [None]
cycle[0] = cycle
del cycle
print(json.dumps({"frozen": gc.get_freeze_count(), "walked": walked, "freed": gc.collect(),
                  "labs": [m for m in sys.modules if m.startswith("mmplay.labs.")]}))
"""


LIMIT_AND_LIST = """
import json, os
import numpy
from threadpoolctl import threadpool_info
from mmplay.ui import runtime
runtime.configure_torch()
import scipy.linalg, sklearn.linear_model  # libraries loaded after the first run: the next run caps them too
runtime.configure_torch()
print(json.dumps({d["filepath"]: d["num_threads"] for d in threadpool_info()}))
"""


def test_every_native_thread_pool_runs_with_the_torch_thread_count():
    """OpenBLAS left at one thread per core spun between a tick's small products (contrastive: 152 ms of CPU
    per tick instead of 64); every BLAS and OpenMP pool, also one loaded after the first run, is capped."""
    env = {**os.environ, "MMPLAY_TORCH_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", LIMIT_AND_LIST], capture_output=True, text=True, check=True, env=env)
    pools = json.loads(out.stdout)
    assert len(pools) >= 3 and any("scipy" in path for path in pools)  # numpy's, scipy's, OpenMP's
    assert set(pools.values()) == {1}, pools


def in_fresh_process(script: str, mode: str) -> str:
    """What ``script`` prints, run with argument ``mode`` in a new Python process (process-wide settings stay there)."""
    return subprocess.run([sys.executable, "-c", script, mode], capture_output=True, text=True, check=True).stdout


KEEP_AND_FREE = """
import ctypes, os, sys
from mmplay.ui import runtime
if sys.argv[1] == "keep":
    assert runtime.keep_freed_memory()
libc = ctypes.CDLL(None)
libc.malloc.restype, libc.free.argtypes = ctypes.c_void_p, [ctypes.c_void_p]
rss = lambda: int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE")  # noqa: E731
before = rss()
block = libc.malloc(24 << 20)
ctypes.memset(block, 1, 24 << 20)
libc.free(block)
print((rss() - before) / 2**20)
"""


def test_freed_memory_stays_with_the_process_for_the_next_tick():
    """With glibc's defaults a tick's freed blocks went back to the system and the next tick faulted their pages in
    again (missing and contrastive: 16–800 page faults a tick, ≈ 2 µs each, varying with the allocation history;
    ≈ 0 with the memory kept). A freed 24 MB block: returned at once by default, kept once configured."""
    kept = {mode: float(in_fresh_process(KEEP_AND_FREE, mode)) for mode in ("default", "keep")}
    assert kept["default"] < 4 and kept["keep"] > 20, kept


WATCH_AND_EDIT = """
import sys, tempfile, time
from pathlib import Path
from streamlit.watcher.polling_path_watcher import PollingPathWatcher
from mmplay.ui import runtime
if sys.argv[1] == "slow":
    runtime.poll_config_slowly()
path = Path(tempfile.mkdtemp()) / "config.toml"
path.write_text("a = 1")
seen = []
watcher = PollingPathWatcher(str(path), seen.append)
time.sleep(0.05)
path.write_text("a = 22")  # longer: another size, whatever the clock's resolution
time.sleep(1.0)
watcher.close()
print(len(seen))
"""


def test_config_files_are_polled_every_few_seconds_not_five_times_a_second():
    """``streamlit run`` polls its config files every 0.2 s whatever ``fileWatcherType`` says: 8–9 ms of CPU a second
    on an idle server, 3 without. A config edit is seen within a second by default, not once the polling slowed."""
    seen = {mode: int(in_fresh_process(WATCH_AND_EDIT, mode)) for mode in ("default", "slow")}
    assert seen == {"default": 1, "slow": 0}, seen


def test_loaded_libraries_are_frozen_out_of_the_per_run_collection():
    out = subprocess.run([sys.executable, "-c", LOAD_AND_COUNT], capture_output=True, text=True, check=True)
    counts = json.loads(out.stdout)
    assert {f"mmplay.labs.{lab.slug}" for lab in CATALOG} <= set(counts["labs"])
    assert counts["frozen"] > 100_000  # torch, scipy, plotly: the objects a full collection used to walk
    assert counts["walked"] < counts["frozen"] / 50
    assert counts["freed"] >= 1  # garbage made after the freeze is still collected


def test_a_session_whose_ticks_come_slowly_is_told_the_pace(monkeypatch):
    clock = iter([100.0, 100.3, 101.5])  # on time, then 1.2 s (4×) for a 0.3 s tick

    def page() -> None:
        import streamlit as st

        from mmplay.ui.live import pace_notice

        text = pace_notice("lab.run", 0.3)
        if text:
            st.caption(text)

    monkeypatch.setattr(live, "monotonic", lambda: next(clock))
    at = AppTest.from_function(page).run()
    assert not at.caption
    at.run()
    assert not at.caption  # 0.3 s: as asked
    at.run()
    assert "your model steps every 1.2 s instead of every 0.3 s" in at.caption[0].value


def test_an_idle_run_is_freed_and_rebuilt_with_a_notice(monkeypatch):
    at = AppTest.from_file(str(ROOT / "app_pages" / "synergy.py"), default_timeout=120).run()
    at.button(key="synergy.run.step").click().run()
    state = at.session_state["synergy.run"]
    assert state.run.trainer.steps_done == 20
    assert runtime.idle_runs().sweep(live.monotonic() + runtime.IDLE_TIMEOUT_S + 1, runtime.IDLE_TIMEOUT_S) >= 1
    assert state.run is None  # the model's memory is released
    at.run()
    assert not at.exception
    assert any("sat idle" in i.value for i in at.info)
    assert at.session_state["synergy.run"].run.trainer.steps_done == 0


def _path_of_step_line(at: AppTest) -> tuple[int, ...]:
    """Where the live panel's "Step N" line sits in the page's element tree (indices from the main area)."""

    def walk(node, path: tuple[int, ...]):
        for index, child in getattr(node, "children", {}).items():
            if child.type == "markdown" and child.value.startswith("**Step "):
                return (*path, index)
            found = walk(child, (*path, index))
            if found:
                return found
        return None

    return walk(at.main, ())


def test_a_pace_notice_does_not_move_the_live_panel(monkeypatch):
    """A notice that comes and goes must not shift the tick's other elements: when Streamlit cut a tick short,
    a chart sent by reference landed on the shifted layout and the browser's page crashed ("'setIn' cannot be
    called on an ElementNode"; 2 of 9 balancer e2e runs, 2026-12-02). Reproduced here as the Step line's place."""
    clock = [100.0]
    monkeypatch.setattr(live, "monotonic", lambda: clock[0])
    at = AppTest.from_file(str(ROOT / "app_pages" / "synergy.py"), default_timeout=120).run()
    at.button(key="synergy.run.play").click().run()
    clock[0] += 0.3
    at.run()
    assert not [c for c in at.caption if "server is shared" in c.value]
    on_time = _path_of_step_line(at)
    clock[0] += 5.0  # a tick 5 s late: the notice shows
    at.run()
    assert [c for c in at.caption if "server is shared" in c.value]
    assert _path_of_step_line(at) == on_time
