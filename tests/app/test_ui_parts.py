"""UI pieces outside a page: the training-slot bound, the export bundle, history CSV."""

import io
import json
import threading
import zipfile

import plotly.graph_objects as go

from mmplay.labs import synergy
from mmplay.ui import runtime
from mmplay.ui.export import export_zip, history_csv


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


def test_export_bundle_holds_config_metrics_and_offline_figures():
    rows = [{"step": 1, "loss.a": 0.5}, {"step": 2, "loss.a": 0.4, "acc": 0.9}]
    data = export_zip("synergy", synergy.Config(), rows, {"f": go.Figure(go.Bar(y=[1])), "g": go.Figure()})
    bundle = zipfile.ZipFile(io.BytesIO(data))
    assert sorted(bundle.namelist()) == ["config.json", "figures.html", "metrics.csv"]
    assert json.loads(bundle.read("config.json"))["config"]["preset"] == "xor"
    assert bundle.read("metrics.csv").decode().splitlines()[0] == "step,loss.a,acc"
    html = bundle.read("figures.html").decode()
    assert html.count("plotly.js") >= 1 and html.count('class="plotly-graph-div"') == 2


def test_history_csv_fills_missing_columns():
    assert history_csv([{"a": 1}, {"b": 2}]).splitlines() == ["a,b", "1,", ",2"]
