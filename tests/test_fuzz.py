"""Fuzzing where input enters (tests/fuzzing.py), CI-sized: each entry point a few hundred cases, seconds
in all. The long run is `make fuzz` (benchmarks/fuzz.py). The hostile pages of tests/test_scope.py
fuzz the extraction steps one by one; these go from bytes to a stored row."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import fuzzing

CI = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("entry", fuzzing.ENTRY_POINTS, ids=lambda entry: entry.name)
def test_entry_point_never_crashes(entry: fuzzing.EntryPoint) -> None:
    CI(given(entry.strategy)(entry.check))()


@CI
@given(st.lists(fuzzing.NORMALIZED_FIELDS, min_size=1, max_size=4))
def test_the_writer_stores_any_normalised_rows(fields: list[dict[str, Any]]) -> None:
    fuzzing.write_articles(fuzzing.memory_engine(), fields)


OPTIONS = st.sampled_from(
    ["query", "export", "reprints", "stats", "db", "extract", "upgrade", "--limit", "--min-views", "--since", "--top",
     "--until", "--db", "--format", "jsonl", "-o", "--debug", "-1", "0", "99999999999999999999", "1e3",
     "0001-01-01", "9999-12-31T23:59-12:00", "2024-09-03"]
)  # fmt: skip


@CI
@given(st.lists(st.one_of(OPTIONS, fuzzing.TEXT), max_size=6))
def test_any_command_line_parses_or_is_one_usage_line(argv: list[str]) -> None:
    fuzzing.parse_arguments(argv)
