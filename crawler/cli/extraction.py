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
from crawler.heap import settle_start_up
from crawler.normalize.article import normalize_article

EXTRACT_FIELDS = (
    "url", "title", "published_at", "source", "source_canonical", "author", "authors", "editor", "views",
    "body", "images", "category", "date_source", "reprint_notice",
)  # fmt: skip


def extract_record(html: bytes, url: str, now: datetime, profile: profiles.Profile | None = None) -> dict[str, Any]:
    """The Article fields of one saved page, extracted and normalised exactly as a crawl would, with what
    the page is from the page alone (`page_kind`), a listing's main-list links in page order
    (`article_links`) and the seconds from its bytes to its fields (`elapsed_s`; what a process sets up once for
    every page, `warm_up`, is not counted in it).

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


#: An article page read before the first page (`warm_up`), filled to a large real page's size (`warm_up_page`). What
#: extraction builds on first use is built then, as the process's set-up, not in the first page's time: the
#: public-suffix list, the outlet table, patterns and queries compiled when first needed, w3lib's quoting tables
#: (a query with non-ASCII text), the interpreter's specialised code of the loops over a page's elements and
#: lines, and the memory a large page's tree and texts take. One `finnews extract FILE` per real page: median
#: elapsed_s 29.9 ms without a warm-up, 6.7 ms after this page at 29 KB, 5.4-5.7 at 282 KB (README); then read
#: again, small, WARM_UP_REPEATS times.
WARM_UP_PAGE = """<html><head><title>示例新闻标题_资讯_示例网</title><meta property="og:site_name" content="示例网">
<meta name="pubdate" content="2024-09-03 11:54"><script type="application/ld+json">{{"datePublished": "2024-09-03"}}
</script></head><body><div class="nav"><ul>{nav}</ul></div><div class="logo"><img alt="示例网" src="/logo.png"></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/news/">资讯</a> &gt; 正文</div>
<h1>示例新闻标题</h1><div class="info">2024-09-03 11:54:03 来源：千龙网 作者：张三 李四 阅读量：<span id="hits">0</span>
<script src="/hits.php?id=5&amp;act=add"></script></div><div class="content"><p>北京9月3日电 这是示例正文的第一段。</p>
{paragraphs}<p>（责任编辑：王五）</p></div>
<div>声明：以上内容为本网站转自其它媒体，相关信息仅为传递更多信息之目的。</div><ul class="list">
<li><a href="/news/2024/0903/1.html">相关新闻的第一个标题</a> 2024-09-03</li>
<li><a href="/news/2024/0902/2.html">相关新闻的第二个标题</a> 09-02</li>
<li><a href="/show.php?itemid=3&amp;kw=央行 利率#top">相关新闻的第三个标题</a> 09-01</li>
<li><a href="http://news.example.com/2024/09/新闻%20稿.shtml?from=list">相关新闻的第四个标题</a></li></ul>
<div class="side"><h3>热门文章</h3><ul>{side}</ul></div></body></html>"""


def warm_up_page(size: int = 400) -> str:
    """WARM_UP_PAGE with `size` paragraphs, three times as many channels in its navigation bar and four times as
    many links in its sidebar (400: 282 KB, a large real page; the 84 real pages' median is 166 KB)."""
    return WARM_UP_PAGE.format(
        nav="".join(f'<li class="nav-item"><a href="/channel{i}/">频道{i}</a></li>' for i in range(3 * size)),
        paragraphs="".join(
            f"<p>这是示例正文的第{i}段，说了{i}.5亿元和{i}%的数字，以及一些其他的内容。</p>" for i in range(size)
        ),
        side="".join(
            f'<li><a href="/news/2024/08{day:02d}/{i}.html">侧栏新闻第{i}条的标题文字</a><span>08-{day:02d}</span></li>'
            for i, day in ((i, i % 28 + 1) for i in range(4 * size))
        ),
    )


#: The URL `warm_up_page()` is read under.
WARM_UP_URL = "http://www.example.com/news/2024/0903/0.html"


#: How many times `warm_up` reads a small warm-up page after the large one. CPython specialises a function's code
#: once it has run a few times (after 8 calls in 3.11), and most of extraction's functions run once a page: after
#: one warm-up page the first real page ran much of its code unspecialised. One `finnews extract FILE` per real page
#: (every fourth of the 84, the faster of two runs each; session 20): median elapsed_s 3.75 ms after the large page
#: alone, 3.18 after it and seven small ones (2.98 for the same pages in a batch), for 7 ms more of start-up.
WARM_UP_REPEATS = 7


def warm_up(now: datetime) -> None:
    """Build what extraction builds on first use, by reading `warm_up_page()` (then a small one WARM_UP_REPEATS
    times), so that no page's `elapsed_s` counts it; then keep it all out of the garbage collector's walks
    (`heap.settle_start_up`)."""
    extract_record(warm_up_page().encode(), WARM_UP_URL, now)
    small = warm_up_page(10).encode()
    for _ in range(WARM_UP_REPEATS):
        extract_record(small, WARM_UP_URL, now)
    settle_start_up()


def cmd_extract(args: argparse.Namespace) -> int:
    profile = profiles.load(args.profile, settings.FINNEWS_PROFILE_DIRS) if args.profile else None
    warm_up(args.now)
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
