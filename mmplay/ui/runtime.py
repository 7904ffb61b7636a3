"""Process-wide runtime: torch threads set once, a bound on concurrent training, the badge.

Many students share one server, so each training tick runs with few torch threads and at
most ``MMPLAY_MAX_TRAINING`` ticks run at once (default: the number of CPU cores).

Streamlit calls ``gc.collect()`` after every script and fragment run (``runner.postScriptGC``).
A full collection walks every tracked object, and torch, scipy, plotly and umap-learn leave
≈ 400,000 of them: ≈ 190 ms per run on this machine, with the GIL held, so the messages of a
finished rerun wait that long before they leave the server. Once the libraries are loaded,
:func:`freeze_loaded_objects` moves everything alive into the permanent generation
(``gc.freeze()``); later collections walk only objects created since (≈ 0 ms), and the
sessions' own garbage is still collected after each run.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
import subprocess
import sys
import threading
from collections.abc import Iterator

import streamlit as st

from mmplay.ui.catalog import LABS


@st.cache_resource
def configure_torch() -> int:
    """Set torch's intra-op threads once per process (``MMPLAY_TORCH_THREADS``, default 1)."""
    import torch

    threads = int(os.environ.get("MMPLAY_TORCH_THREADS", "1"))
    torch.set_num_threads(max(1, threads))
    return torch.get_num_threads()


@st.cache_resource
def _training_slots() -> threading.BoundedSemaphore:
    limit = int(os.environ.get("MMPLAY_MAX_TRAINING", str(os.cpu_count() or 1)))
    return threading.BoundedSemaphore(max(1, limit))


@contextlib.contextmanager
def training_slot(timeout_s: float = 0.5) -> Iterator[bool]:
    """Hold one of the server's training slots; yields ``False`` if none freed in time."""
    slots = _training_slots()
    acquired = slots.acquire(timeout=timeout_s)
    try:
        yield acquired
    finally:
        if acquired:
            slots.release()


def freeze_loaded_objects() -> None:
    """Exclude every object alive now (library modules, mostly) from later garbage collections."""
    gc.collect()
    gc.freeze()


def load_labs() -> None:
    """Import every lab module (torch, scipy, scikit-learn and plotly with them), then freeze them."""
    for lab in LABS:
        importlib.import_module(f"mmplay.labs.{lab.slug}")
    freeze_loaded_objects()


def _warm_up() -> None:
    load_labs()
    configure_torch()
    # numba compiles UMAP's kernels in a child process that fills its on-disk cache: no GIL
    # contention with the pages being served, and the in-process warm-up later only loads them.
    subprocess.Popen(
        [sys.executable, "-c", "from mmplay import project2d; project2d.warm_up()"],
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


def device_badge() -> None:
    """Show the compute device in the sidebar (``loading…`` until torch is imported)."""
    if "torch" not in sys.modules:
        st.sidebar.caption("Device: starting…")
        return
    from mmplay.device import describe_device

    try:
        label = describe_device()
    except (RuntimeError, ValueError) as err:
        st.sidebar.error(f"Device setting problem: {err}")
        return
    st.sidebar.markdown(f"**Device:** `{label}`")
