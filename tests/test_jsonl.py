"""JSON lines that every reader splits right: U+2028, U+2029 and U+0085 escaped, the rest UTF-8 as is."""

from __future__ import annotations

import json
from pathlib import Path

from crawler.db import make_engine
from crawler.writer import ArticleWriter
from tests.console import finnews
from tests.rows import row

BREAKS = "上\u2028中\u2029下\x85完"


def test_exported_lines_escape_the_characters_readers_take_for_line_ends(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/finnews.db"
    writer = ArticleWriter(make_engine(url))
    writer.submit(row("http://p1/a/1.html", title=BREAKS, body_hash=1)).result()
    writer.submit(row("http://p1/a/2.html", title="央行", body_hash=2)).result()
    writer.close()
    for args in (["export"], ["query", "--format", "jsonl"]):
        out = finnews(*args, "--db", url).stdout
        assert len(out.splitlines()) == 2  # str.splitlines() breaks on all three
        assert "\\u2028" in out and "\\u2029" in out and "\\u0085" in out and "央行" in out
        assert BREAKS in {json.loads(line)["title"] for line in out.splitlines()}
