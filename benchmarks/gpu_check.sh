#!/usr/bin/env bash
# GPU check: the suite's device tests on CUDA, then each lab's CLI metrics on CPU vs CUDA (same seed).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
MMPLAY_DEVICE=cuda "$PY" -m pytest -q -p no:cacheprovider -m "not e2e" tests --ignore=tests/e2e
"$PY" -m benchmarks.compare_devices --check
