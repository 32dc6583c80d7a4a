"""`finnews datasette-metadata`: the metadata.json that makes Datasette browse a finnews SQLite database
well: `_search` on `articles` through the trigram index (`articles_fts`, linked by `id`), newest first,
titles as labels, facets, and the `story_copies` view described."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy.engine import make_url

from crawler import db
from crawler.cli.errors import InputError
from crawler.cli.output import replacing

SEARCH_NOTE = (
    "Search (_search) matches 3+ character substrings of title and body (a trigram index): the same rows as "
    "`finnews query --search`. Shorter terms: `finnews query --search`, or ?_where=title like '%储能%'."
)


def metadata(database: str) -> dict[str, Any]:
    """Datasette metadata for a finnews database served under the name `database` (its file's stem)."""
    return {
        "title": "finnews",
        "description": "Chinese finance news crawled by finnews: one row per story in articles, every copy in "
        "story_copies.",
        "databases": {
            database: {
                "tables": {
                    "articles": {
                        "description": SEARCH_NOTE,
                        "fts_table": "articles_fts",
                        "fts_pk": "id",
                        "sort_desc": "published_at",
                        "label_column": "title",
                        "facets": ["site", "source_canonical"],
                    },
                    "story_copies": {
                        "description": "One row per copy of a story (its stored article, is_origin 1 = the first "
                        "publisher, and each reprint), by story_id: the trace of `finnews story`.",
                        "sort": "published_at",
                        "label_column": "title",
                        "facets": ["site", "source", "is_origin"],
                    },
                    "reprints": {"label_column": "url"},
                    "article_versions": {"description": "Former versions of edited pages (改稿)."},
                    "articles_fts": {"hidden": True},
                    "articles_fts_vocab": {"hidden": True},
                }
            }
        },
    }


def cmd_datasette_metadata(args: argparse.Namespace) -> int:
    url = make_url(db.database_url(args.db))
    if url.get_backend_name() != "sqlite" or not url.database:
        raise InputError("Datasette serves SQLite files: give --db sqlite:///path/to/finnews.db")
    document = orjson.dumps(metadata(Path(url.database).stem), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    if args.output in (None, "-"):
        sys.stdout.buffer.write(document)
    else:
        with replacing(Path(args.output)) as out:
            out.write(document)
        print(f"datasette serve {url.database} --metadata {args.output}", file=sys.stderr)
    return 0
