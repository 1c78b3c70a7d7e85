# The two commands of the README: `make run` and `make test`. Everything else here serves them.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 5000
# gunicorn worker processes for `make run`; empty: one per core (0: the one-process development server)
WORKERS ?=
INDEX  ?= var/index
# The real click-id corpus when it sits beside the project, else the sample the project ships.
CORPUS ?= $(firstword $(wildcard ../shared/data/click-id/corpus.jsonl) sample/articles.jsonl)

.PHONY: run test test-whoosh lint reindex browser clean cluster cluster-stop

run: $(INDEX).built  ## set up, index CORPUS (once per change of CORPUS) and serve the page with gunicorn
	$(PY) -m web --index $(INDEX) --host $(HOST) --port $(PORT) $(if $(WORKERS),--workers $(WORKERS))

reindex:  ## rebuild the index from CORPUS even if it looks current
	rm -f $(INDEX).built
	$(MAKE) $(INDEX).built

$(INDEX).built: $(CORPUS) $(VENV)/.installed
	$(PY) indexer.py build --index $(INDEX) $(CORPUS)
	@echo "$(CORPUS)" > $@

test: $(VENV)/.installed-test browser cluster  ## set up and run the linter and every test, both engines
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	$(PY) -m pytest

test-whoosh: $(VENV)/.installed-test browser  ## the same without OpenSearch: no Java, no cluster
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	$(PY) -m pytest -m "not opensearch"

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

browser:  ## Debian's Chromium for the real-browser tests (playwright cannot download browsers here)
	@command -v chromium >/dev/null || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# A local 3-node OpenSearch 2.19 cluster (HTTP 9200-9202), built from Maven Central jars: cluster/README.md.
# NODES=node-1 starts (or stops) only that node; WIPE=1 on cluster-stop also deletes the nodes' data.
NODES ?=
cluster:  ## start the nodes that are down and wait for green
	$(PYTHON) cluster/cluster.py start $(NODES)

cluster-stop:  ## stop the nodes (SIGTERM, SIGKILL after 20 s)
	$(PYTHON) cluster/cluster.py stop $(NODES) $(if $(filter 1,$(WIPE)),--wipe)

clean:
	rm -rf var $(VENV) build *.egg-info
