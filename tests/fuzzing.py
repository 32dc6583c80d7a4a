"""Where input enters finnews, as functions of one fuzzed value each, and the hypothesis strategies that
feed them: the property tests (tests/test_fuzz.py, CI-sized) and the long run (`make fuzz`,
benchmarks/fuzz.py) both use these. Each entry point asserts what must hold for any input; an exception
is a crash.
"""

from __future__ import annotations

import argparse
import contextlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hypothesis import strategies as st
from parsel import Selector
from sqlalchemy import create_engine

from crawler.batchwrite import write_batch
from crawler.cli import build_parser
from crawler.cli.output import jsonl_line
from crawler.db import upgrade
from crawler.extract.article import extract_article
from crawler.extract.charset import decode_html
from crawler.extract.kind import page_kind
from crawler.extract.links import site_links
from crawler.extract.mainlist import main_list
from crawler.extract.urls import absolute_url, canonical_url
from crawler.items import Article
from crawler.normalize.article import normalize_article
from crawler.normalize.characters import storable
from crawler.normalize.limits import FIELD_CAPS
from crawler.reprints.fingerprint import fingerprint
from crawler.scope import Scope
from crawler.vocabulary import SHANGHAI
from pipelines.storage import article_row

NOW = datetime(2024, 9, 5, 12, 0, tzinfo=SHANGHAI)
BASE = "http://www.x.cn/a/20240903/1.html"

#: Text as pages hold it, and worse: CJK, the labels extraction looks for, markup, controls, surrogates,
#: the line breaks JSON readers stumble on, non-characters, astral characters.
WORDS = [
    *"央行开展逆回购操作来源作者编辑点击阅读量责任年月日时分秒前万亿:：|_-— 0123456789<>&;\"'/=.?#[]%+eExX",
    *map(chr, range(32)), "\x7f", "\x85", "\u2028", "\u2029", "\ufffd", "\u200b", "\ufeff", "\U0001f600", "\uffff",
    "\ud800", "\udfff", "来源:", "作者:", "阅读:", "2024-09-03 11:54", "3小时前", "1e308", "0x10", "&mdash;", "nbsp;",
]  # fmt: skip
TEXT = st.one_of(st.lists(st.sampled_from(WORDS), max_size=40).map("".join), st.text(max_size=80))
URL = st.one_of(
    TEXT,
    st.sampled_from(
        ["http://[::1", "http://x.cn:99999/a", "/a/20240903/1.html", "javascript:", "file:///etc/passwd", "//",
         "http://a..b/", "http://x.cn/a/\n1.html", "data:,x", "http://用户@例子.中国/路径?q=值#片", "HTTP://X.CN:80/",
         "http://[fe80::1%25eth0]/", "http://0x7f.1/", "http://x.cn/" + "a/" * 500]
    ),
    st.builds(lambda scheme, host, path: f"{scheme}://{host}/{path}", st.sampled_from(["http", "https", "ftp", ""]),
              st.text(max_size=20), TEXT),
)  # fmt: skip


@st.composite
def pages(draw: st.DrawFn) -> bytes:
    """A page as bytes: an article-and-listing page of fuzzed text and links, in a fuzzed encoding, or
    arbitrary bytes."""
    text, href = lambda: draw(TEXT), lambda: draw(URL).replace('"', "")
    links = "".join(
        f'<li><span>{text()}</span><a href="{href()}">{text()}</a></li>' for _ in range(draw(st.integers(0, 6)))
    )
    html = (
        f'<html><head><meta charset="{draw(st.sampled_from(["utf-8", "gbk", "gb2312", "big5", "nosuch", ""]))}">'
        f"<title>{text()}_{text()}</title></head><body><h1>{text()}</h1>"
        f'<div class="info">{text()} 来源:{text()} 作者:{text()} 点击:{text()}</div>'
        f'<div class="content"><p>{text()}</p><img src="{href()}"><p>{text()}</p></div><ul>{links}</ul></body></html>'
    )  # fmt: skip
    encoding = draw(st.sampled_from(["utf-8", "gb18030", "big5", "utf-16"]))
    return draw(
        st.one_of(
            st.just(html.encode(encoding, "surrogatepass" if "utf" in encoding else "replace")), st.binary(max_size=600)
        )
    )


def decode_page(body: bytes) -> None:
    text, encoding, _ = decode_html(body, None)
    assert isinstance(text, str) and encoding


def handle_url(url: str) -> None:
    """A link resolved against a page and canonicalised, and a crawl's scope deciding on it."""
    link = absolute_url(BASE, url)
    if link is not None and link.startswith(("http://", "https://")):  # other schemes: the scope refuses them
        assert absolute_url(BASE, link) == link
        canonical_url(link)
    Scope.of([BASE]).refusal(url)


def extract_page(body: bytes) -> None:
    """A page from bytes to a normalised Article, as a crawl reads it: every text storable, every cap kept."""
    text, _, _ = decode_html(body, None)
    sel = Selector(text=text or "<html></html>", type="html")
    links = list(site_links(sel, BASE))
    page_kind(sel, main_list(links))
    raw = extract_article(sel, BASE)
    article = raw.to_article(BASE, "x", None, NOW)
    normalize_article(article, NOW, page_names=raw.site_names)
    check_storable(article)


def normalize_fields(fields: dict[str, str | None]) -> None:
    """An Article of fuzzed raw fields, normalised."""
    article = Article(url=BASE, site="x", **fields)  # type: ignore[arg-type]
    normalize_article(article, NOW)
    check_storable(article)


def check_storable(article: Article) -> None:
    for name, value in vars(article).items():
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str):
                assert storable(text) == text, name
                assert len(text) <= FIELD_CAPS.get(name, len(text)), name
    jsonl_line({k: v for k, v in vars(article).items() if not isinstance(v, datetime)}).decode("utf-8")


def fingerprint_body(body: str) -> None:
    print_ = fingerprint(body)
    assert print_.size >= 0


NORMALIZED_FIELDS = st.fixed_dictionaries(
    {name: st.one_of(st.none(), TEXT) for name in
     ("title", "title_tag", "body", "author", "editor", "source_raw", "date_raw", "listing_date_raw", "views_raw",
      "category", "site_name")}
)  # fmt: skip


@dataclass
class EntryPoint:
    name: str
    strategy: st.SearchStrategy[Any]
    check: Callable[[Any], None]


#: The entry points of extraction and normalisation: what the long run (`make fuzz`) counts.
ENTRY_POINTS = [
    EntryPoint("decode_html", pages(), decode_page),
    EntryPoint("urls+scope", URL, handle_url),
    EntryPoint("extract+normalize page", pages(), extract_page),
    EntryPoint("normalize_article", NORMALIZED_FIELDS, normalize_fields),
    EntryPoint("fingerprint", TEXT, fingerprint_body),
]


# --- the writer and the command line ---------------------------------------------------------------


def memory_engine() -> Any:
    engine = create_engine("sqlite://")
    upgrade(engine)
    return engine


def write_articles(engine: Any, fields: list[dict[str, str | None]]) -> None:
    """Normalised articles of fuzzed fields written in one batch into `engine` (in-memory SQLite)."""
    rows = []
    for i, values in enumerate(fields):
        article = Article(url=f"{BASE}?{i}", site="x", crawled_at=NOW, **values)  # type: ignore[arg-type]
        normalize_article(article, NOW)
        if article.title and article.body:
            rows.append(article_row(article))
    with engine.begin() as connection:
        write_batch(connection, rows, [])


def parse_arguments(argv: list[str]) -> None:
    """The command line parsed: a Namespace, or a usage error of one line and status 2."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            assert isinstance(build_parser().parse_args(argv), argparse.Namespace)
        except SystemExit as exit:
            assert exit.code in (0, 2), exit.code
            assert exit.code == 0 or len(err.getvalue().splitlines()) == 1, err.getvalue()
