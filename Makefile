# mmplay — `make run` serves the app, `make test` runs every test (unit, AppTest, browser).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
PORT ?= 8501

.PHONY: run test lint format bench claims classroom clean messages

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(DEV_STAMP): requirements-dev.txt $(STAMP)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(STAMP)
	$(PY) -m streamlit run app.py --server.port $(PORT) --server.headless true \
		--browser.gatherUsageStats false --server.fileWatcherType none

test: $(DEV_STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest -q -p no:cacheprovider

lint: $(DEV_STAMP)
	$(PY) -m ruff check . && $(PY) -m ruff format --check .

format: $(DEV_STAMP)
	$(PY) -m ruff format . && $(PY) -m ruff check --fix .

BENCHMARKS := train_overhead startup time_to_solve browser_latency umap_view procrustes_speed elementwise_speed \
	contrastive_throughput first_view server_cost classroom scaling

bench: $(DEV_STAMP)
	for name in $(BENCHMARKS); do $(PY) -m benchmarks.$$name --check || exit 1; done

clean:
	rm -rf $(VENV) test-artifacts

WORKERS ?= $(shell nproc)

classroom: $(STAMP)
	$(PY) -m mmplay serve --workers $(WORKERS) --port $(PORT)

claims: $(STAMP)
	$(PY) -m mmplay claims all --seeds 0-19 --json

LOCALES := mmplay/locale
MESSAGES_POT := $(VENV)/mmplay.pot
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)

# Translations: extract every _() / N_() / L_() string and lesson text (babel.cfg), merge new ones into each
# catalog as empty entries (no fuzzy guesses), compile the .mo files that `make run` reads (committed). Not
# `pybabel compile`: it takes "90 % interval" for a %-format ("% i") and refuses; tests/test_i18n.py checks the
# {placeholders} instead.
messages: $(DEV_STAMP)
	PYTHONPATH=. $(VENV)/bin/pybabel -q extract -F babel.cfg --no-default-keywords -k _ -k N_ -k L_ \
		--no-wrap --sort-by-file --project mmplay --version $(VERSION) -o $(MESSAGES_POT) .
	$(VENV)/bin/pybabel -q update -i $(MESSAGES_POT) -d $(LOCALES) -D mmplay --no-wrap --no-fuzzy-matching
	$(PY) -c "import glob; from babel.messages.pofile import read_po; from babel.messages.mofile import write_mo; \
		[write_mo(open(po[:-2] + 'mo', 'wb'), read_po(open(po, 'rb'))) for po in glob.glob('$(LOCALES)/*/*/mmplay.po')]"
