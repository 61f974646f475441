# credtrace: the two commands of the README, each doing its own set-up from a fresh clone.
#   make demo  - the main job on the embedded store (no server needed)
#   make test  - install, start a local Neo4j, lint, run every test (both stores)
#   make test-fast - install, lint, the memory-store tests only (no Neo4j, no browser)

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-fast lint install neo4j-start neo4j-stop bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/credtrace demo --out demo-out

# mypy checks the packages under the names they install as (credtrace.graph, ...), through
# links to the top-level folders (pyproject.toml: mypy_path).
lint: $(STAMP)
	mkdir -p .typecheck/credtrace
	for p in graph ingest queries api viz; do ln -sfn ../../$$p .typecheck/credtrace/$$p; done
	$(BIN)/ruff check graph ingest queries api viz tests bench
	$(BIN)/mypy

test: $(STAMP) lint
	scripts/ensure-browser
	@eval "$$(scripts/neo4j-local start)" && export NEO4J_URI NEO4J_USER NEO4J_PASSWORD && \
	  $(BIN)/python -m pytest

# NEO4J_URI and CI unset: the Neo4j half is skipped (tests/conftest.py); tests/browser left out.
test-fast: $(STAMP) lint
	env -u NEO4J_URI -u CI $(BIN)/python -m pytest -q --ignore=tests/browser

neo4j-start:
	@scripts/neo4j-local start

neo4j-stop:
	@scripts/neo4j-local stop

clean:
	rm -rf demo-out credtrace-data .pytest_cache .mypy_cache .ruff_cache .typecheck
