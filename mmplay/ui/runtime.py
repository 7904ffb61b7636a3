"""Process-wide runtime: torch threads set for every run, a bound on concurrent training, the badge.

Many students share one server, so each training tick runs with few torch threads and at
most ``MMPLAY_MAX_TRAINING`` ticks run at once (default: the number of CPU cores).

Streamlit would call ``gc.collect()`` after every script and fragment run (``runner.postScriptGC``,
turned off in ``.streamlit/config.toml``: with a class playing, walking every session's objects
after each tick cost a fifth of the ticks). Python's own generational collections remain, and a full
one walks every tracked object, and torch, scipy, plotly and umap-learn leave
≈ 400,000 of them: ≈ 190 ms per run on this machine, with the GIL held, so the messages of a
finished rerun wait that long before they leave the server. Once the libraries are loaded,
``gc.freeze()`` moves everything alive into the permanent generation; later collections walk only
objects created since (≈ 0 ms), and the sessions' own garbage is still collected.
The warm-up freezes torch; the first view of each page freezes what that page imported
(:func:`freeze_after_first_view`). Importing every lab up front instead would hold the GIL for
≈ 1.2 s (scikit-learn, scipy.stats) just when the first user presses Play.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import os
import subprocess
import sys
import threading
import weakref
from collections.abc import Iterator
from dataclasses import dataclass

import streamlit as st
from threadpoolctl import ThreadpoolController

from mmplay.i18n import N_, _


def configure_torch() -> int:
    """Set torch's intra-op threads (``MMPLAY_TORCH_THREADS``, default 1), at the start of every run.

    Set once per process only, later runs trained slower although ``torch.get_num_threads()`` and
    OpenMP both still reported one thread: a 400 × 3 matrix product took 0.2 ms instead of 0.04 ms, and
    a synergy tick 84–89 ms of server CPU instead of 71–72 (A/B, twice). Which library undoes the
    setting was not pinned down; setting it again costs 0.4 µs.
    """
    import torch

    threads = max(1, int(os.environ.get("MMPLAY_TORCH_THREADS", "1")))
    torch.set_num_threads(threads)
    limit_native_threads(threads)
    keep_freed_memory()
    poll_config_slowly()
    return torch.get_num_threads()


M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters (malloc.h)
KEEP_FREED_BYTES = 512 * 2**20  # free memory at the heap's top kept for reuse, not returned to the system
HEAP_BELOW_BYTES = 32 * 2**20  # blocks up to this size come from the heap, not each from its own mmap (glibc's max)


@functools.cache
def keep_freed_memory() -> bool:
    """Once per process, have glibc's malloc keep freed memory for the next tick instead of returning it to the
    system; whether it could (not on other C libraries).

    A tick allocates and frees the same tensors, a few hundred kB to a few MB each. With glibc's defaults a
    block that large is mapped and unmapped on its own, or freed memory at the heap's top is trimmed, so the
    next tick's first touch of every page faults again (≈ 2 µs a page): gating's sweep took 1,700–3,750 faults per
    tick. ``mallopt(M_MMAP_THRESHOLD, 32 MB)`` serves such blocks from the heap and ``mallopt(M_TRIM_THRESHOLD,
    512 MB)`` keeps up to that much free at its top, so a steady tick reuses warm pages. The cost is memory that
    stays with the process after a peak (at most the trim threshold per heap).
    """
    try:
        libc = ctypes.CDLL(None)
        return bool(libc.mallopt(M_MMAP_THRESHOLD, HEAP_BELOW_BYTES)) and bool(
            libc.mallopt(M_TRIM_THRESHOLD, KEEP_FREED_BYTES)
        )
    except (OSError, AttributeError):
        return False


CONFIG_POLL_S = 5.0  # how often Streamlit looks at its config files for changes (its own default: 0.2 s)


@functools.cache
def poll_config_slowly() -> float:
    """Once per process, have Streamlit look at its config files every ``CONFIG_POLL_S`` seconds instead of every
    0.2 s; the period now in force.

    ``streamlit run`` polls both ``config.toml`` paths (``~/.streamlit`` and ``./.streamlit``) for changes, whatever
    ``server.fileWatcherType`` says: each poll is a thread-pool task that takes the GIL, ``stat``s a file and
    schedules the next. An idle server spent 8–9 ms of CPU a second on it, 3 without (≈ 2 ms of every training tick
    at 3.3 ticks a second, measured on 2026-12-03). Editing the config of a running server now takes up to
    ``CONFIG_POLL_S`` to apply (``runOnSave`` is off here anyway). The period is the module's
    ``_POLLING_PERIOD_SECS``, read before each poll.
    """
    from streamlit.watcher import polling_path_watcher

    polling_path_watcher._POLLING_PERIOD_SECS = max(polling_path_watcher._POLLING_PERIOD_SECS, CONFIG_POLL_S)
    return polling_path_watcher._POLLING_PERIOD_SECS


@dataclass
class _NativePools:
    """threadpoolctl's controller of the loaded BLAS and OpenMP libraries, and ``len(sys.modules)`` when it
    scanned them (an import since may have loaded another library: scanning costs ≈ 1 ms, limiting 10 µs)."""

    controller: ThreadpoolController | None = None
    modules: int = -1


_native_pools = _NativePools()


def limit_native_threads(threads: int) -> None:
    """Cap the OpenBLAS and OpenMP pools of numpy, scipy and scikit-learn at ``threads``, like torch's.

    Left at one thread per core, OpenBLAS's idle workers spin after every small product a tick makes (a
    PCA view, a probe): the process spent 152 ms of CPU per contrastive tick and 144 per dominance tick,
    64 and 56 with one thread (server_cost, A/B on 2026-12-03), the same numbers on the screen.
    """
    if _native_pools.modules != len(sys.modules):
        _native_pools.controller, _native_pools.modules = ThreadpoolController(), len(sys.modules)
    _native_pools.controller.limit(limits=threads)


@st.cache_resource
def _training_slots() -> threading.BoundedSemaphore:
    limit = int(os.environ.get("MMPLAY_MAX_TRAINING", str(os.cpu_count() or 1)))
    return threading.BoundedSemaphore(max(1, limit))


class Demand:
    """How many ticks and extras are training or waiting for a slot right now (process-wide)."""

    def __init__(self) -> None:
        self._lock, self._count = threading.Lock(), 0

    def add(self, delta: int) -> None:
        with self._lock:
            self._count += delta

    @property
    def count(self) -> int:
        return self._count


@st.cache_resource
def demand() -> Demand:
    return Demand()


@contextlib.contextmanager
def training_slot(timeout_s: float = 0.5) -> Iterator[bool]:
    """Hold one of the server's training slots; yields ``False`` if none freed in time."""
    slots, wanting = _training_slots(), demand()
    wanting.add(1)
    acquired = False
    try:
        acquired = slots.acquire(timeout=timeout_s)
        yield acquired
    finally:
        if acquired:
            slots.release()
        wanting.add(-1)


IDLE_TIMEOUT_S = float(os.environ.get("MMPLAY_IDLE_TIMEOUT_S", "900"))  # a run untouched this long is freed


class IdleRuns:
    """Every session's live state with the time it was last used, so idle runs can be freed.

    A closed tab stops ticking at once (its training slot is free), but Streamlit keeps its session —
    and the model in it — for a while. ``sweep`` drops the run of every state untouched for longer
    than ``timeout_s``; the session, if it comes back, rebuilds it and says so.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[int, tuple[weakref.ref, float]] = {}

    def touch(self, state: object, now: float) -> None:
        with self._lock:
            self._seen[id(state)] = (weakref.ref(state), now)

    def sweep(self, now: float, timeout_s: float) -> int:
        """Free the runs idle longer than ``timeout_s`` (``state.run = None``); how many were freed."""
        freed = 0
        with self._lock:
            for key, (ref, seen) in list(self._seen.items()):
                state = ref()
                if state is None:
                    del self._seen[key]
                elif now - seen > timeout_s and getattr(state, "run", None) is not None:
                    state.run = None
                    del self._seen[key]
                    freed += 1
        return freed


@st.cache_resource
def idle_runs() -> IdleRuns:
    return IdleRuns()


def freeze_loaded_objects() -> None:
    """Exclude every object alive now (library modules, mostly) from later collections: ``gc.freeze()``.

    No collection first (that would cost the ≈ 190 ms being removed, once); the little import-time
    garbage and the few live objects of a session being served are frozen with the modules.
    """
    gc.freeze()


@st.cache_resource(show_spinner=False)
def freeze_after_first_view(page: str) -> None:
    """Once per page and process, after its first run: freeze what its imports loaded."""
    freeze_loaded_objects()


def _warm_up() -> None:
    import mmplay.labs.synergy  # noqa: F401  (imports torch and the lab code)

    configure_torch()
    freeze_loaded_objects()
    # numba compiles UMAP's kernels in a child process that fills its on-disk cache: no GIL
    # contention with the pages being served, and the in-process warm-up later only loads them.
    # The child runs at the lowest CPU priority, so it never slows the first user's training.
    subprocess.Popen(
        [sys.executable, "-c", "import os; os.nice(19); from mmplay import project2d; project2d.warm_up()"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


@st.cache_resource
def start_warm_up() -> threading.Thread:
    """Import torch and the labs, and pre-compile UMAP elsewhere, once per process, off the home page's path."""
    thread = threading.Thread(target=_warm_up, name="mmplay-warm-up", daemon=True)
    thread.start()
    return thread


@st.cache_resource
def start_umap_warm_up() -> threading.Thread:
    """Load UMAP (and its compiled kernels) in this process while the user looks at the PCA view."""
    from mmplay import project2d

    def warm_up() -> None:
        project2d.warm_up()
        freeze_loaded_objects()  # umap-learn, numba and pynndescent add ≈ 100,000 objects

    thread = threading.Thread(target=warm_up, name="mmplay-umap-warm-up", daemon=True)
    thread.start()
    return thread


WORKER = os.environ.get("MMPLAY_WORKER", "")  # "k/N" when served by `python -m mmplay serve --workers N`
WORKER_NAME = os.environ.get("MMPLAY_WORKER_NAME", "")  # this worker's stickiness cookie value (w1, w2, …)
WORKER_COOKIE = "MMPLAYWORKER"


def worker_badge() -> None:
    """``worker k/N`` in the sidebar when several workers serve the class."""
    if WORKER and not WORKER.endswith("/1"):
        st.sidebar.caption(_("worker {worker}", worker=WORKER))


def moved_here(cookie: str | None, session_is_new: bool) -> bool:
    """Whether this session was moved from a worker that died: new here, but its cookie names another."""
    return bool(WORKER_NAME and cookie and cookie != WORKER_NAME and session_is_new)


MOVED_KEY = "mmplay.moved"  # set in a session that reached this worker because its own died
MOVED_TEXT = N_(  # translated where shown
    "The server restarted this lab: its worker stopped, so your model and any uploaded files are gone. "
    "Upload them again if you had, and press ▶ Play to start again."
)


def restarted_notice() -> None:
    """In a session that reached this worker because its own died: say so on every run until dismissed
    (a notice shown on the first run only was wiped by the page's next rerun before anyone read it)."""
    new = "mmplay.session_seen" not in st.session_state
    st.session_state["mmplay.session_seen"] = True
    if moved_here(st.context.cookies.get(WORKER_COOKIE), new):
        st.session_state[MOVED_KEY] = True
    if st.session_state.get(MOVED_KEY):
        notice = st.container(border=True)
        notice.warning(_(MOVED_TEXT), icon="🔄")
        notice.button(_("OK"), key=f"{MOVED_KEY}.ok", on_click=st.session_state.pop, args=(MOVED_KEY, None))


def device_badge() -> None:
    """Show the compute device in the sidebar (``loading…`` until torch is imported)."""
    if "torch" not in sys.modules:
        st.sidebar.caption(_("Device: starting…"))
        return
    from mmplay.device import describe_device

    try:
        label = describe_device()
    except (RuntimeError, ValueError) as err:
        st.sidebar.error(_("Device setting problem: {error}", error=err))
        return
    st.sidebar.markdown(_("**Device:** `{device}`", device=label))
