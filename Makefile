# Two commands set everything up: `make run` and `make test`. Both are idempotent, and quick the
# second time: installs are redone only when requirements*.txt or package-lock.json change (stamp
# files in .venv/ and node_modules/).
#   make run     serve the app on http://localhost:$(PORT) on the bundled data
#   make test    ruff (lint, format), then unit + AppTest + browser tests in one pytest run (PYTEST_ARGS="-k map" to narrow)
#   make bench   the app against a bare Streamlit page: load, rerun, bytes, memory, Lighthouse; then the
#                hosted link on a phone against the same stack uncompressed and Streamlit direct (bench/README.md)
#   make load    capacity without browsers (Locust protocol users: one replica, then nginx + 1/2/3
#                replicas), memory under uploads and under 50 published links (load/README.md); LOAD_ARGS="--users 30" narrows
#   make load-browsers  the older check: 10 Chromium pages at once against one server
#   make check-data DIR=path/to/folder  validate a candidate data folder and print what it changes (data/README.md)
#   make hosted  nginx on http://127.0.0.1:$(HOSTED_PORT)/$(BASE_PATH)/ in front of $(REPLICAS)
#                replicas, as the app is hosted (scripts/hosted.py, deploy/, README "Hosting")
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
PYTEST_ARGS ?=
LOAD_ARGS ?=
REPLICAS ?= 3
HOSTED_PORT ?= 8080
BASE_PATH ?= jx-zones

.PHONY: run test bench load load-browsers browser-deps hosting-deps run-deps picture-fonts hosted unpublish check-data

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.run-deps: requirements.txt | $(PY)
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install -q -r requirements.txt -r requirements-dev.txt
	touch $@

# axe-core for the accessibility tests and lighthouse for make bench, exactly as package-lock.json pins them.
node_modules/.npm-ci.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's Chromium and CJK fonts: checked every time (cheap), installed when missing and root.
browser-deps:
	@bash scripts/ensure-browser-deps.sh

# Debian's nginx for the hosted setup (make hosted, tests/e2e/test_hosted.py, nginx -t in
# tests/test_deploy.py): checked every time, installed when missing and root.
hosting-deps:
	@bash scripts/ensure-hosting-deps.sh

# Debian's libjemalloc2, which every server runs on (scripts/with-jemalloc.sh; why: load/README.md):
# checked every time, installed when missing and root; without it the server runs on glibc's malloc.
run-deps:
	@bash scripts/ensure-run-deps.sh

# The CJK font a saved picture's PNG draws its Chinese text in (dashboard/picture.py): checked every
# time, installed when missing and root (the browser tests' fonts-noto-cjk is the same package).
picture-fonts:
	@bash scripts/ensure-picture-fonts.sh

# Publishing uploaded data is on for `make run` (JX_PUBLISH=on; the store: JX_PUBLISH_DB, default
# var/published.db). Set JX_PUBLISH=off to serve without it.
run: $(VENV)/.run-deps picture-fonts run-deps
	JX_PUBLISH=$${JX_PUBLISH:-on} scripts/with-jemalloc.sh $(PY) -m streamlit run streamlit_app.py --server.port $(PORT) --server.headless true

# Check a candidate data folder before publishing it (data/README.md, "Updating the data"): the
# app's own rules, then what it changes against data/. Exit 1: the folder is invalid.
check-data: $(VENV)/.run-deps
	@if [ -z "$(DIR)" ]; then echo "usage: make check-data DIR=path/to/folder" >&2; exit 2; fi
	@$(PY) -m tools.check_data "$(DIR)"

# Remove one published data set from JX_PUBLISH_DB (README "Publish your data"); its links then
# open the bundled view with a notice. `make unpublish` without ID lists the sets.
unpublish: $(VENV)/.run-deps
	@if [ -n "$(ID)" ]; then $(PY) -m dashboard.publish remove "$(ID)"; else $(PY) -m dashboard.publish list; fi

# One pytest run for everything. Exit code 5 ("no tests collected") is a failure like any other,
# and a full run (no PYTEST_ARGS) in which no browser test passed fails too (E2E_REQUIRED, see
# tests/e2e/conftest.py), so a broken collection or a skipped browser can't look green.
test: $(VENV)/.dev-deps node_modules/.npm-ci.stamp browser-deps hosting-deps run-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@rc=0; E2E_REQUIRED=$(if $(strip $(PYTEST_ARGS)),0,1) $(PY) -m pytest $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests (exit code 5): failing." >&2; fi; \
	exit $$rc

# bench/run.py runs Lighthouse (node_modules, pinned in package.json) after its own loads; both
# comparisons always run (the hosted one needs nginx), and the exit code is 1 when either misses.
bench: $(VENV)/.dev-deps node_modules/.npm-ci.stamp browser-deps hosting-deps run-deps
	$(PY) bench/map_bench.py
	$(PY) bench/upload_bench.py
	@rc=0; $(PY) bench/run.py || rc=1; $(PY) bench/hosted_bench.py || rc=1; exit $$rc

# Every check always runs; the exit code is 1 when any misses its budget or sees an error.
load: $(VENV)/.dev-deps hosting-deps run-deps
	@rc=0; $(PY) bench/upload_memory.py || rc=1; $(PY) bench/published_memory.py || rc=1; $(PY) load/run.py $(LOAD_ARGS) || rc=1; exit $$rc

load-browsers: $(VENV)/.dev-deps browser-deps run-deps
	$(PY) bench/run.py --load

# In the foreground until Ctrl-C / SIGTERM, which stops every process it started. Prints
# `READY http://127.0.0.1:$(HOSTED_PORT)/$(BASE_PATH)/` once every replica answers through nginx.
# Publishing is on here too (JX_PUBLISH=on unless set): the replicas share JX_PUBLISH_DB's SQLite file.
hosted: $(VENV)/.run-deps hosting-deps run-deps
	JX_PUBLISH=$${JX_PUBLISH:-on} exec $(PY) scripts/hosted.py --replicas $(REPLICAS) --port $(HOSTED_PORT) --base-path $(BASE_PATH)
