# credtrace: the two commands of the README, each doing its own set-up from a fresh clone.
#   make demo  - the main job on the embedded store (no server needed)
#   make test  - install, start a local Neo4j, lint, run every test (both stores)

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint install neo4j-start neo4j-stop bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/credtrace demo --out demo-out

lint: $(STAMP)
	$(BIN)/ruff check graph ingest queries api viz tests
	$(BIN)/mypy

test: $(STAMP) lint
	scripts/ensure-browser
	@eval "$$(scripts/neo4j-local start)" && export NEO4J_URI NEO4J_USER NEO4J_PASSWORD && \
	  $(BIN)/python -m pytest

neo4j-start:
	@scripts/neo4j-local start

neo4j-stop:
	@scripts/neo4j-local stop

clean:
	rm -rf demo-out credtrace-data .pytest_cache .mypy_cache .ruff_cache
