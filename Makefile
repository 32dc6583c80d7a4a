# The two set-up commands of the README: `make demo` (the main job) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint install clean fuzz bench bench-full

$(BIN)/finnews: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/finnews

## Start the sample portals, crawl them all into data/finnews.db, print a summary.
demo: install
	$(BIN)/finnews demo

## Lint, type-check and run every test (service-backed tests need PostgreSQL/MariaDB/Redis on loopback).
test: install lint
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check crawler pipelines sampleportals tests benchmarks
	$(BIN)/mypy

## The long fuzz run: 100,000 cases over extraction and normalisation (10 minutes at most); cases and crashes.
fuzz: install
	$(BIN)/python -m benchmarks.fuzz --cases 100000 --minutes 10

## Every performance figure in one table (a few minutes): crawl vs bare Scrapy, extraction, lookup, storage.
bench: install
	$(BIN)/python -m benchmarks.table

## The same with a 20,000-story crawl and the lookup at 1M stored articles (its database takes long to fill once).
bench-full: install
	$(BIN)/python -m benchmarks.table --full

clean:
	rm -rf $(VENV) data/*.db data/*.db-* data/*.jsonl
