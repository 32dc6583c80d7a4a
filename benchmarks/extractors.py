"""Extraction accuracy and speed of finnews against trafilatura, GNE and readability-lxml, on saved pages with
expected values.

    .venv/bin/pip install -e '.[bench]'      # the other extractors; the scoring itself needs none of them
    .venv/bin/python -m benchmarks.extractors [DIR ...] [--verbose] [--repeat 3]
    .venv/bin/python -m benchmarks.extractors --truth tests/realpages/truth.jsonl   # the real pages of ../shared

A page is NAME.html (the bytes as served) beside NAME.json (the expected clean values of docs/contract.md:
title, published_at, author, body, url, ...; null: the page has none; a missing key: not scored). DIRs are
searched recursively; the default is tests/golden/. With `--truth FILE` the pages are instead the real pages
of `--pages DIR` (default ../shared/realpages) named in FILE, hand-labelled truth (see tests/realpages/README.md):
article pages are scored as below, where a body is labelled by its first and last sentence and its length
(`body bounds`: the body found starts with the first sentence, ends with the last, and its length is within
15 % of the labelled one; body F1: see `bounded_f1`), a day-only date counts for `day` only; `kind` is the share of pages called what
they are from the page alone (finnews only), and listings add the recall and extra share of their main-list
links (`list recall`, `list extra`).

Scores of each extractor over the pages:
- body: character F1, the usual measure for Chinese text (no word segmentation, indifferent to how
  paragraphs are split): precision and recall of the multiset of non-whitespace characters extracted
  against the multiset expected. Mean, and share of pages >= 0.9. Two empty bodies score 1, one empty 0.
  A real page's body is labelled by its bounds, not copied: its F1 is approximate (`bounded_f1`).
- published_at: the same day, and the same minute, as Asia/Shanghai wall time (a naive time is Beijing time).
- author, title: exactly equal once surrounding whitespace is stripped.
- ms: median and p90 over the pages of the time per page, each page timed in this process as the fastest
  of --repeat runs, after one warm-up call.

finnews is scored on the output of its real CLI (`finnews extract` batch mode: one process, every page) and
timed on `crawler.cli.extraction.extract_record`, the function the CLI calls (no process start-up). trafilatura gets
the raw bytes and the URL (`bare_extraction(..., with_metadata=True)`; htmldate is asked for the time of
day: an `outputformat` with it, `deferred_url_extractor` to use the URL's date only as a fallback). GNE takes
text: it gets the page as finnews decodes it, less a leading `<?xml ... encoding=...?>` that lxml refuses in
a str (so neither a wrong declared charset nor that counts against it; the decode is inside its time).
readability-lxml gets the same text and gives a title and a body only (its summary's HTML, as text): it is
scored on those two. An extractor that raises on a page misses every field of that page: counted under
`errors`, never fatal.

`--renamed` scores the same pages with every class and id value replaced by a name that means nothing
(`renamed`): what finnews reads on a site whose layout it knows but whose names it has never seen, as the
product owner's held-out sites are. `--untitled` gives every page a `<title>` that is no headline and no
og:title (`untitled`): what it reads where only the page's body shows the headline.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import math
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from lxml import etree

from crawler.cli.extraction import extract_record
from crawler.extract.charset import decode_html
from crawler.extract.page import html_selector
from crawler.models import SHANGHAI

PROJECT = Path(__file__).resolve().parent.parent
#: The crawl time of recorded scores (`--record`): relative dates on the pages ("3小时前") resolve against it.
RECORD_NOW = datetime(2026, 12, 4, 12, 0, tzinfo=SHANGHAI)
METRICS = (
    "body F1",
    "body>=0.9",
    "body bounds",
    "day",
    "minute",
    "author",
    "title",
    "articles called",
    "listings called",
)
FIELD_OF = {"day": "published_at", "minute": "published_at", "author": "author", "title": "title"}

Fields = dict[str, Any]  # what an extractor found: title, published_at, author, body (str or None each)
Extract = Callable[["Page"], Fields]

# 2024-09-03 11:54, 2024/9/3, 2024年9月3日 11时54分, 2024.09.03: what GNE returns as found on the page
LOOSE_TIME = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\D{0,3}?(\d{1,2})\s*[:：时]\s*(\d{1,2}))?"
)
# <?xml version="1.0" encoding="gb2312"?>: lxml refuses a str that declares an encoding (GNE parses str)
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


@dataclass
class Page:
    name: str
    path: Path
    html: bytes
    url: str | None
    expected: dict[str, Any]
    kind: str = "article"


@dataclass
class Run:
    """One extractor over every page: its fields (None where it raised), the errors, seconds per page."""

    name: str
    outputs: list[Fields | None] = field(default_factory=list)
    errors: list[str | None] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)


def char_f1(got: str | None, expected: str | None) -> float:
    """F1 of the multisets of non-whitespace characters of two texts.

    >>> char_f1("财经 新闻", "财经新闻")
    1.0
    >>> round(char_f1("财经", "财经新闻"), 3)  # precision 1, recall 0.5
    0.667
    """
    got_chars, expected_chars = (Counter("".join((text or "").split())) for text in (got, expected))
    if not got_chars or not expected_chars:
        return float(got_chars == expected_chars)
    common = sum((got_chars & expected_chars).values())
    if not common:
        return 0.0
    precision, recall = common / sum(got_chars.values()), common / sum(expected_chars.values())
    return 2 * precision * recall / (precision + recall)


def parse_time(text: str) -> datetime:
    """An extractor's time as an aware Asia/Shanghai datetime: ISO 8601, or the loose forms of Chinese pages.

    >>> parse_time("2024-09-03T03:54:00Z").isoformat()
    '2024-09-03T11:54:00+08:00'
    >>> parse_time("2024年9月3日 11:54").isoformat()
    '2024-09-03T11:54:00+08:00'
    """
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        match = LOOSE_TIME.search(text)
        if not match:
            raise
        year, month, day, hour, minute = (int(part or 0) for part in match.groups())
        moment = datetime(year, month, day, hour, minute)
    return moment.replace(tzinfo=SHANGHAI) if moment.tzinfo is None else moment.astimezone(SHANGHAI)


def same_time(got: str | None, expected: str | None, unit: str) -> bool:
    """Whether two times fall on the same `unit` ("day" or "minute") in Beijing; an unparsable one never does."""
    if not got or not expected:
        return not got and not expected
    try:
        moments = [parse_time(got), parse_time(expected)]
    except ValueError:
        return False
    cut = {"day": 10, "minute": 16}[unit]  # length of 2024-09-03 / 2024-09-03T11:54
    return moments[0].isoformat()[:cut] == moments[1].isoformat()[:cut]


def same_text(got: str | None, expected: str | None) -> bool:
    return (got or "").strip() == (expected or "").strip()


def score_page(got: Fields | None, expected: dict[str, Any]) -> dict[str, float]:
    """The metrics of one page that its expected values allow; every one is 0 when the extractor raised."""
    scores: dict[str, float] = {}
    fields = got or {}
    if "body" in expected or expected.get("body_span"):
        if "body" in expected:
            body = expected["body"]
            f1 = char_f1(fields.get("body"), "\n".join(body) if isinstance(body, list) else body)
        else:
            f1 = bounded_f1(fields.get("body"), expected["body_span"], expected["body_chars"])
        scores["body F1"], scores["body>=0.9"] = f1, float(f1 >= 0.9)
    if "body_first" in expected:
        scores["body bounds"] = float(body_bounds(fields.get("body"), expected))
    if "published_at" in expected:
        for unit in ("day",) if expected.get("precision") == "day" else ("day", "minute"):
            if got is not None and "published_at" not in fields:
                break
            scores[unit] = float(same_time(fields.get("published_at"), expected["published_at"], unit))
    for name in ("author", "title"):
        if name in expected and (got is None or name in fields):  # an extractor without the field: not scored
            scores[name] = float(same_text(fields.get(name), expected[name]))
    if "page_kind" in fields:  # finnews only: what the page is, from the page alone
        kind = expected.get("kind", "article")
        scores[f"{kind}s called"] = float(fields["page_kind"] == kind)
    return scores if got is not None else dict.fromkeys(scores, 0.0)


def body_bounds(got: str | None, expected: dict[str, Any]) -> bool:
    r"""Whether `got` starts with the labelled first sentence, ends with the last, and is as long (±15 %),
    comparing letters, digits and CJK characters only.

    >>> body_bounds("央行开展逆回购。\n中标利率持平。", {"body_first": "央行开展逆回购。", "body_last": "中标利率持平。", "body_chars": 12})
    True
    >>> body_bounds("导航 首页\n央行开展逆回购。\n中标利率持平。", {"body_first": "央行开展逆回购。", "body_last": "中标利率持平。", "body_chars": 12})
    False
    """
    text, first, last = (_letters(value) for value in (got or "", expected["body_first"], expected["body_last"]))
    chars = expected.get("body_chars") or len(text)
    return (
        bool(text)
        and text.startswith(first[:30])
        and text.endswith(last[-30:])
        and abs(len(text) - chars) <= 0.15 * chars
    )


def _letters(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def bounded_f1(got: str | None, span: str, chars: int) -> float:
    r"""Character F1 of `got` against a body labelled by its bounds, not copied (the pages are not ours).

    `span` is the labelled body as the page shows it: the letters, digits and CJK characters of the page's
    visible text from the labelled first sentence's start to the last one's end (`labelled_span`); `chars`
    is the labelled body's length, counted the same way. Both sides count letters, digits and CJK characters
    only. The characters of `got` that the span holds (as multisets, as `char_f1`) are right, up to `chars`:
    where the labellers left text inside the bounds out of the body (an image caption, a hidden line), the
    span is longer than `chars`, and that text counts as right only as far as the labelled length allows.
    recall = right / chars, precision = right / the characters of `got`. Approximate, then: text extracted
    in the wrong order, or a caption taken in place of a sentence, is not seen.

    >>> bounded_f1("央行开展逆回购。\n中标利率持平。", "央行开展逆回购中标利率持平", 13)
    1.0
    >>> round(bounded_f1("导航 首页\n央行开展逆回购。", "央行开展逆回购中标利率持平", 13), 3)  # P 7/11, R 7/13
    0.583
    >>> bounded_f1("图为会场。央行开展逆回购。", "图为会场央行开展逆回购", 7)  # a caption the label left out
    0.7777777777777778
    """
    got_chars = Counter(_letters(got or ""))
    right = min(chars, sum((got_chars & Counter(span)).values()))
    if not right:
        return 0.0
    precision, recall = right / sum(got_chars.values()), right / chars
    return 2 * precision * recall / (precision + recall)


def labelled_span(html: bytes, first: str, last: str, chars: int) -> str | None:
    """The letters, digits and CJK characters of the page's visible text (scripts, styles and `<head>` left
    out; decoded and parsed as finnews does) from `first`'s start to `last`'s end: the labelled body as the page
    shows it. Where the first sentence occurs more than once (a summary repeating the lead), the span whose
    length is nearest the labelled `chars`. None where the page does not show both bounds in that order.
    """
    text = _letters(" ".join(_VISIBLE_TEXT(html_selector(decode_html(html)[0]).root)))
    first, last = _letters(first), _letters(last)
    spans = []
    start = text.find(first)
    while start >= 0:
        end = text.find(last, start)
        if end >= 0:
            spans.append(text[start : end + len(last)])
        start = text.find(first, start + 1)
    return min(spans, key=lambda span: abs(len(span) - chars), default=None)


_VISIBLE_TEXT = etree.XPath(
    "//text()[not(ancestor::head or parent::script or parent::style or parent::noscript or parent::template)]",
    smart_strings=False,
)


def run_extractor(name: str, extract: Extract, pages: Sequence[Page], repeat: int = 1) -> Run:
    """Extract every page, timing each as its fastest of `repeat` runs; an exception is that page's error."""
    run = Run(name)
    if pages:
        with contextlib.suppress(Exception):
            extract(pages[0])  # warm-up: lazy imports, caches
    for page in pages:
        best, output, error = math.inf, None, None
        for _ in range(repeat):
            started = time.perf_counter()
            try:
                output, error = extract(page), None
            except Exception as exc:
                output, error = None, f"{type(exc).__name__}: {exc}"
            best = min(best, time.perf_counter() - started)
        run.outputs.append(output)
        run.errors.append(error)
        run.seconds.append(best)
    return run


def summarize(run: Run, pages: Sequence[Page]) -> dict[str, float]:
    """Mean of each metric over the pages that score it, errors, and median / p90 milliseconds per page."""
    per_page = [score_page(output, page.expected) for output, page in zip(run.outputs, pages, strict=True)]
    summary = {m: statistics.mean(s[m] for s in per_page if m in s) for m in METRICS if any(m in s for s in per_page)}
    summary.update(list_scores(run, pages))
    summary["errors"] = sum(error is not None for error in run.errors)
    if run.seconds:
        ms = [1000 * s for s in run.seconds]
        summary["median ms"], summary["p90 ms"] = statistics.median(ms), p90(ms)
    return summary


def p90(values: Sequence[float]) -> float:
    """The 90th percentile of `values` by nearest rank: the smallest that at least 90 % of them do not exceed."""
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


_NAME_ATTRIBUTE = re.compile(rb"""(\s)(class|id)(\s*=\s*)("[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE)


def renamed(html: bytes, headings: bool = True) -> bytes:
    """The page with each class and id value replaced by a name that means nothing ("n1", "n2", ...; a value
    everywhere by the same name), on the bytes as served (the names are ASCII in any charset this reads); without
    `headings`, its `<h1>`s are `<div>`s too (a headline the markup does not mark).

    >>> renamed(b'<div class="article-content"><p id=x class="article-content">')
    b'<div class="n0"><p id="n1" class="n0">'
    >>> renamed('<h1 class="title">标题</h1>'.encode(), headings=False).decode()
    '<div class="n0">标题</div>'
    """
    names: dict[bytes, bytes] = {}

    def rename(found: re.Match[bytes]) -> bytes:
        name = names.setdefault(found[4].strip(b"\"'"), b'"n%d"' % len(names))
        return found[1] + found[2] + found[3] + name

    html = _NAME_ATTRIBUTE.sub(rename, html)
    return html if headings else _H1_TAG.sub(rb"<\1div", html)


_H1_TAG = re.compile(rb"<(/?)h1\b", re.IGNORECASE)


def untitled(html: bytes) -> bytes:
    """The page with a `<title>` that is no headline (as a template's "新闻详情" or a site's name; written "news", which
    reads the same in any charset) and no og:title or twitter:title: what finnews reads where only the page's body
    shows the headline.

    >>> untitled('<title>央行开展逆回购</title><meta property="og:title" content="央行">'.encode())
    b'<title>news</title>'
    """
    return _SHARED_TITLE.sub(b"", _TITLE.sub(rb"\1news\2", html))


_TITLE = re.compile(rb"(<title[^>]*>).*?(</title>)", re.IGNORECASE | re.DOTALL)
_SHARED_TITLE = re.compile(rb"<meta[^>]*(?:og:title|twitter:title)[^>]*>", re.IGNORECASE)


def changed_pages(pages: Sequence[Page], changes: Sequence[Callable[[bytes], bytes]], folder: Path) -> list[Page]:
    """The `pages` changed by each of `changes` (`renamed`, `untitled`), each saved in `folder` too (the CLI reads
    files)."""
    done = []
    for number, page in enumerate(pages):
        html = page.html
        for change in changes:
            html = change(html)
        path = folder / f"{number}{page.path.suffix}"
        path.write_bytes(html)
        done.append(replace(page, html=html, path=path))
    return done


def load_pages(dirs: Sequence[Path]) -> list[Page]:
    """Every NAME.html with a NAME.json beside it, under each directory."""
    pages = []
    for directory in dirs:
        for html in sorted(directory.rglob("*.html")):
            expected_file = html.with_suffix(".json")
            if expected_file.is_file():
                expected = json.loads(expected_file.read_text(encoding="utf-8"))
                name = str(html.relative_to(directory).with_suffix(""))
                pages.append(Page(name, html.resolve(), html.read_bytes(), expected.get("url"), expected))
    return pages


def load_truth(truth: Path, root: Path) -> list[Page]:
    """The pages of a truth file (one JSON object per line, `path` relative to `root`)."""
    pages = []
    for line in truth.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        path = root / record["path"]
        kind = record.get("kind", "article")
        expected: dict[str, Any] = {"kind": kind}
        if kind == "article":
            expected.update(
                {name: record[name] for name in ("title", "published_at", "precision", "body_first", "body_last")}
            )
            expected["body_chars"] = record.get("body_chars")
            expected["body_span"] = labelled_span(
                path.read_bytes(), record["body_first"], record["body_last"], record["body_chars"]
            )
            expected["author"] = "、".join(record["authors"]) or None
        else:
            expected["article_links"] = record["article_links"]
        pages.append(Page(record["path"], path, path.read_bytes(), record.get("url"), expected, kind))
    return pages


def page_scores(run: Run, pages: Sequence[Page]) -> dict[str, dict[str, float]]:
    """Each page's scores (a listing's: page kind and its main-list recall), by page name."""
    scores = {}
    for output, page in zip(run.outputs, pages, strict=True):
        scores[page.name] = score_page(output, page.expected)
        if page.kind == "listing":
            scores[page.name].update(list_scores(Run(run.name, [output]), [page]))
    return scores


def list_scores(run: Run, pages: Sequence[Page]) -> dict[str, float]:
    """Recall and extra share of the main-list links finnews gave for the listings among `pages`."""
    found = expected = hits = 0
    for output, page in zip(run.outputs, pages, strict=True):
        if page.kind != "listing":
            continue
        if output is not None and "article_links" not in output:
            return {}  # an extractor that finds no listing links (trafilatura, GNE): not scored
        links, truth = (output or {}).get("article_links") or [], set(page.expected["article_links"])
        found, expected, hits = found + len(links), expected + len(truth), hits + len(truth & set(links))
    if not expected:
        return {}
    return {"list recall": hits / expected, "list extra": (found - hits) / found if found else 0.0}


def page_url(page: Page) -> str:
    return page.url or page.path.as_uri()  # what the CLI uses without a URL


def finnews_fields(record: dict[str, Any]) -> Fields:
    """The scored fields of a `finnews extract` record (in process its time is a datetime: made the CLI's text)."""
    names = ("title", "published_at", "author", "body", "page_kind", "article_links")
    fields = {name: record.get(name) for name in names}
    if isinstance(fields["published_at"], datetime):
        fields["published_at"] = fields["published_at"].isoformat()
    return fields


def finnews_in_process(now: datetime) -> Extract:
    return lambda page: finnews_fields(extract_record(page.html, page_url(page), now))


def finnews_cli(pages: Sequence[Page]) -> tuple[Run, float]:
    """`finnews extract` in batch mode, one process for every page: its fields, errors and wall seconds."""
    finnews = Path(sys.executable).with_name("finnews")
    tasks = "".join(json.dumps({"path": str(p.path), "url": p.url}) + "\n" for p in pages)
    started = time.perf_counter()
    done = subprocess.run(
        [str(finnews), "extract"], input=tasks, capture_output=True, text=True, cwd=PROJECT, check=False
    )
    seconds = time.perf_counter() - started
    records = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    run = Run("finnews")
    for number in range(len(pages)):
        record = records[number] if number < len(records) else {"error": f"no output (exit {done.returncode})"}
        run.outputs.append(None if "error" in record else finnews_fields(record))
        run.errors.append(record.get("error"))
    if done.returncode:
        print(f"finnews extract exited {done.returncode}: {done.stderr.strip()[-500:]}", file=sys.stderr)
    return run, seconds


def trafilatura_extract() -> Extract:
    import trafilatura
    from trafilatura.settings import Document, set_date_params

    dates = {**set_date_params(), "outputformat": "%Y-%m-%dT%H:%M:%S%z", "deferred_url_extractor": True}

    def extract(page: Page) -> Fields:
        document = trafilatura.bare_extraction(
            page.html, url=page.url, with_metadata=True, date_extraction_params=dates
        )  # a Document, or None when it finds no main text
        found = document.as_dict() if isinstance(document, Document) else document or {}
        return {"title": found.get("title"), "published_at": found.get("date"), "author": found.get("author"),
                "body": found.get("text")}  # fmt: skip

    return extract


def gne_extract() -> Extract:
    from gne import GeneralNewsExtractor

    extractor = GeneralNewsExtractor()

    def extract(page: Page) -> Fields:
        result = extractor.extract(XML_DECLARATION.sub("", decode_html(page.html)[0], count=1))
        return {"title": result["title"], "published_at": result["publish_time"], "author": result["author"],
                "body": result["content"]}  # fmt: skip

    return extract


def readability_extract() -> Extract:
    from readability import Document

    def extract(page: Page) -> Fields:
        document = Document(XML_DECLARATION.sub("", decode_html(page.html)[0], count=1))
        summary = html_selector(document.summary(html_partial=True)).root
        return {"title": document.short_title(), "body": "\n".join(_SUMMARY_TEXT(summary))}

    return extract


_SUMMARY_TEXT = etree.XPath("//text()[normalize-space()]", smart_strings=False)


def print_table(summaries: dict[str, dict[str, float]]) -> None:
    present = {column for summary in summaries.values() for column in summary}
    columns = [c for c in (*METRICS, "list recall", "list extra", "errors", "median ms", "p90 ms") if c in present]
    print(f"{'extractor':<12}" + "".join(f"{c:>16}" for c in columns))
    for name, summary in summaries.items():
        cells = []
        for column in columns:
            value = summary.get(column)
            if value is None:
                cells.append("-")
            elif column == "body F1":
                cells.append(f"{value:.3f}")
            elif column in METRICS or column.startswith("list"):
                cells.append(f"{value:.1%}")
            else:
                cells.append(f"{value:.0f}" if column == "errors" else f"{value:.2f}")
        print(f"{name:<12}" + "".join(f"{cell:>16}" for cell in cells))


def print_failures(run: Run, pages: Sequence[Page]) -> None:
    for output, error, page in zip(run.outputs, run.errors, pages, strict=True):
        if error is not None:
            print(f"  {run.name:<12}{page.name}: error {error[:200]}")
            continue
        scores = score_page(output, page.expected)
        got = output or {}
        misses = [
            f"{metric} expected {page.expected[key]!r:.60} got {got.get(key)!r:.60}"
            for metric, key in FIELD_OF.items()
            if scores.get(metric) == 0.0
        ]
        if scores.get("body>=0.9") == 0.0:
            misses.append(f"body F1 {scores['body F1']:.3f}")
        if scores.get("body bounds") == 0.0:
            misses.append(bounds_miss(got.get("body"), page.expected))
        if misses:
            print(f"  {run.name:<12}{page.name}: " + "; ".join(misses))


def bounds_miss(got: str | None, expected: dict[str, Any]) -> str:
    """How a body's bounds differ from the labelled ones: its first and last characters and its length."""
    text, first, last = (_letters(value) for value in (got or "", expected["body_first"], expected["body_last"]))
    head = "" if text.startswith(first[:30]) else f" starts {text[:20]!r} not {first[:20]!r}"
    tail = "" if text.endswith(last[-30:]) else f" ends {text[-20:]!r} not {last[-20:]!r}"
    return f"body bounds:{head}{tail} {len(text)} chars, labelled {expected['body_chars']}"


#: The steps of `crawler.cli.extraction.extract_record` timed by `--stages`: (module, name) of each function as its caller
#: looks it up; the steps of `extract_article` are inside its own time, and "article, rest" is what remains.
STAGES = (
    ("crawler.cli.extraction", "decode_html", "decode"),
    ("crawler.cli.extraction", "html_selector", "parse"),
    ("crawler.cli.extraction", "own_url", "own URL"),
    ("crawler.cli.extraction", "site_links", "site links"),
    ("crawler.cli.extraction", "main_list", "main list"),
    ("crawler.cli.extraction", "page_kind", "page kind"),
    ("crawler.cli.extraction", "extract_article", "article"),
    ("crawler.extract.article", "find_headline", "headline"),
    ("crawler.extract.article", "find_body", "body block"),
    ("crawler.extract.article", "meta_line", "meta line"),
    ("crawler.extract.article", "spaced_text", "meta text"),
    ("crawler.extract.article", "publication_date", "date"),
    ("crawler.extract.article", "body_text", "body text"),
    ("crawler.extract.article", "byline_after", "byline"),
    ("crawler.extract.article", "views_by_headline", "views"),
    ("crawler.extract.article", "profile_author", "profile author"),
    ("crawler.extract.article", "counter_url", "counter"),
    ("crawler.extract.article", "find_category", "category"),
    ("crawler.extract.article", "declares_reprint", "reprint notice"),
    ("crawler.extract.article", "site_names", "site names"),
    ("crawler.cli.extraction", "normalize_article", "normalise"),
)


def stage_costs(pages: Sequence[Page], repeat: int) -> dict[str, float]:
    """Median milliseconds per page of each step of `extract_record` (`STAGES`), each page's steps taken
    from its fastest run; "total" is the median of the whole call, "article, rest" the part of the article
    steps no named step covers."""
    import importlib

    spent: dict[str, float] = defaultdict(float)

    def timed(function: Callable[..., Any], label: str) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                result = function(*args, **kwargs)
                return list(result) if label == "site links" else result
            finally:
                spent[label] += time.perf_counter() - started

        return run

    originals = []
    for module_name, name, label in STAGES:
        module = importlib.import_module(module_name)
        originals.append((module, name, getattr(module, name)))
        setattr(module, name, timed(getattr(module, name), label))
    per_page: list[dict[str, float]] = []
    now = datetime.now(SHANGHAI)
    try:
        for page in pages:
            best: dict[str, float] = {}
            for _ in range(repeat + 1):  # the first run warms up
                spent.clear()
                started = time.perf_counter()
                with contextlib.suppress(Exception):
                    extract_record(page.html, page_url(page), now)
                spent["total"] = time.perf_counter() - started
                if not best or spent["total"] < best["total"]:
                    best = dict(spent)
            inner = sum(best.get(label, 0.0) for module, _, label in STAGES if module == "crawler.extract.article")
            best["article, rest"] = best.get("article", 0.0) - inner
            per_page.append(best)
    finally:
        for module, name, function in originals:
            setattr(module, name, function)
    labels = ["total", *(label for _, _, label in STAGES), "article, rest"]
    return {label: statistics.median(1000 * costs.get(label, 0.0) for costs in per_page) for label in labels}


def print_stages(costs: dict[str, float]) -> None:
    print("\nfinnews: median ms per page of each step of extract_record (steps timed apart; medians do not add up)")
    for label, ms in costs.items():
        print(f"  {label:<16}{ms:8.3f}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dirs", nargs="*", type=Path, default=[PROJECT / "tests" / "golden"], metavar="DIR")
    parser.add_argument("--truth", type=Path, help="a truth file of real pages (tests/realpages/truth.jsonl)")
    parser.add_argument("--pages", type=Path, default=PROJECT.parent / "shared" / "realpages", help="their folder")
    parser.add_argument(
        "--record", type=Path, help="write finnews' per-page scores here (tests/realpages/scores.json: the CI gate)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per page and extractor (fastest counts)")
    parser.add_argument("--verbose", action="store_true", help="list every page an extractor got wrong")
    parser.add_argument("--stages", action="store_true", help="finnews only: what each step of a page costs")
    parser.add_argument("--renamed", action="store_true", help="every class and id name replaced (`renamed`)")
    parser.add_argument("--untitled", action="store_true", help="a <title> that is no headline (`untitled`)")
    args = parser.parse_args(argv)
    for noisy in ("trafilatura", "htmldate", "courlan"):
        logging.getLogger(noisy).setLevel(logging.CRITICAL)

    pages = load_truth(args.truth, args.pages) if args.truth else load_pages(args.dirs)
    changes = [change for change, wanted in ((renamed, args.renamed), (untitled, args.untitled)) if wanted]
    changed_folder = tempfile.TemporaryDirectory(prefix="finnews-changed-") if changes else None  # kept to the end
    if changed_folder is not None:
        pages = changed_pages(pages, changes, Path(changed_folder.name))
    if not pages:
        print(f"no NAME.html + NAME.json pages under {', '.join(map(str, args.dirs))}", file=sys.stderr)
        return 2
    if args.stages:
        print(f"{len(pages)} pages; each page's steps from its fastest of {args.repeat} runs")
        print_stages(stage_costs(pages, args.repeat))
        return 0
    runs: list[Run] = []
    cli_run, cli_seconds = finnews_cli(pages)
    cli_run.seconds = run_extractor("finnews", finnews_in_process(datetime.now(SHANGHAI)), pages, args.repeat).seconds
    runs.append(cli_run)
    rivals = (("trafilatura", trafilatura_extract), ("GNE", gne_extract), ("readability", readability_extract))
    for name, make in rivals:
        try:
            extract = make()
        except ImportError as exc:
            print(f"{name} skipped ({exc}): pip install -e '.[bench]'", file=sys.stderr)
            continue
        runs.append(run_extractor(name, extract, pages, args.repeat))

    origin = f"{args.truth} ({args.pages})" if args.truth else ", ".join(map(str, args.dirs))
    print(f"{len(pages)} pages from {origin}; ms: fastest of {args.repeat} per page\n")
    summaries = {run.name: summarize(run, pages) for run in runs}
    print_table(summaries)
    print(f"\nfinnews CLI: {len(pages)} pages in {cli_seconds:.2f} s, one process, start-up included")
    others = [summary for name, summary in summaries.items() if name != "finnews"]
    if others:
        ours = summaries["finnews"]
        margins = [
            f"{m} {ours[m] - max(o.get(m, 0.0) for o in others):+.3f}"
            for m in METRICS
            if m in ours and any(m in o for o in others)
        ]
        print("finnews minus the best other: " + ", ".join(margins))
        speed = [f"{n} {s['median ms'] / ours['median ms']:.1f}x" for n, s in summaries.items() if n != "finnews"]
        print("median ms per page, as a multiple of finnews': " + ", ".join(speed))
    if args.record:
        recorded = run_extractor("finnews", finnews_in_process(RECORD_NOW), pages)
        gate = {  # what a page gets right or wrong: its body F1 counts as >= 0.9 or not, not to the last digit
            name: {metric: score for metric, score in scores.items() if metric != "body F1"}
            for name, scores in page_scores(recorded, pages).items()
        }
        args.record.write_text(json.dumps(gate, ensure_ascii=False, indent=1) + "\n")
        print(f"finnews' per-page scores written to {args.record}")
    if args.verbose:
        print("\nmisses (errors, wrong fields, body F1 < 0.9):")
        for run in runs:
            print_failures(run, pages)
    return 0


if __name__ == "__main__":
    sys.exit(main())
