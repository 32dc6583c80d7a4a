"""`finnews extract`: the Article fields of saved pages, extracted and normalised as a crawl would (no crawl,
no database)."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson

from crawler import profiles, settings
from crawler.cli.output import jsonl_line
from crawler.extract.article import extract_article
from crawler.extract.charset import decode_html
from crawler.extract.kind import LISTING, page_kind
from crawler.extract.links import own_url, site_links
from crawler.extract.mainlist import main_list, titled_links
from crawler.extract.page import html_selector
from crawler.normalize.article import normalize_article

EXTRACT_FIELDS = (
    "url", "title", "published_at", "source", "source_canonical", "author", "authors", "editor", "views",
    "body", "images", "category", "date_source", "reprint_notice",
)  # fmt: skip


def extract_record(html: bytes, url: str, now: datetime, profile: profiles.Profile | None = None) -> dict[str, Any]:
    """The Article fields of one saved page, extracted and normalised exactly as a crawl would, with what
    the page is from the page alone (`page_kind`), a listing's main-list links in page order
    (`article_links`) and the seconds from its bytes to its fields (`elapsed_s`).

    A page saved without its URL (`url` not http(s)) takes it from the page (`links.own_url`).
    `counter_url` names the CMS script that writes the read count (not fetched here: `views` stays
    null for such pages); `encoding` is the charset the page was decoded with.
    """
    started = time.perf_counter()
    text, encoding, _ = decode_html(html)
    sel = html_selector(text, html if encoding == "utf-8" and "\ufffd" not in text else None)  # no byte replaced
    if not url.startswith(("http://", "https://")):
        url = own_url(sel) or url
    main = main_list(site_links(sel, url, anchors=titled_links(sel.root)), all_titled=True)  # its links are titled
    kind = page_kind(sel, main)
    raw = extract_article(sel, url, profile.fields if profile else None)
    site = profile.name if profile else urlsplit(url).netloc
    article = raw.to_article(url, site, profile.site_name if profile else None, now)
    normalize_article(article, now, page_names=() if profile else raw.site_names)
    elapsed = time.perf_counter() - started
    return {
        "page_kind": kind,
        **{name: getattr(article, name) for name in EXTRACT_FIELDS},
        "counter_url": raw.counter_url,
        "encoding": encoding,
        "article_links": list(main.dates) if kind == LISTING else [],
        "elapsed_s": round(elapsed, 6),
    }


def cmd_extract(args: argparse.Namespace) -> int:
    profile = profiles.load(args.profile, settings.FINNEWS_PROFILE_DIRS) if args.profile else None
    if args.file:
        url = args.url or Path(args.file).resolve().as_uri()
        sys.stdout.buffer.write(orjson.dumps(extract_record(Path(args.file).read_bytes(), url, args.now, profile),
                                             option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))  # fmt: skip
        return 0
    for line in sys.stdin:  # batch: {"path": ..., "url": ... or null} per line, one object out per line
        if not line.strip():
            continue
        path = None
        try:
            task = orjson.loads(line)
            path = task["path"]
            record = extract_record(
                Path(path).read_bytes(), task.get("url") or Path(path).resolve().as_uri(), args.now, profile
            )
        except Exception as exc:
            record = {"path": path, "error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.buffer.write(jsonl_line(record))
        sys.stdout.flush()
    return 0
