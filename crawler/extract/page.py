"""A fetched article page as the spider reads it: its tree (the charset repaired), its identity URL and its
Article item. One home for both readers of a page: the crawl (`crawler.spiders.portal`) and
`finnews reextract` (`crawler.reextract`), which reads kept pages with no network."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from datetime import datetime

from lxml import etree
from parsel import Selector
from scrapy.http import TextResponse

from crawler import profiles
from crawler.extract.article import RawArticle, extract_article
from crawler.extract.charset import decode_html
from crawler.extract.dom import page_hrefs
from crawler.extract.kind import is_gone
from crawler.extract.urls import canonical_url, same_site
from crawler.items import Article

#: What `page_selector` did to a page's text: nothing, re-decoded it, or read bad bytes as U+FFFD.
REPAIRED, BAD_BYTES = "repaired", "bad_bytes"


def page_selector(response: TextResponse) -> tuple[Selector, str | None, str]:
    """The page's selector (`html_selector`, not Scrapy's `response.selector`), re-decoded when its declared
    charset was wrong; bad bytes in a page of a right charset are U+FFFD where they are. Also what was done (None, REPAIRED, BAD_BYTES) and the encoding."""
    if "\ufffd" not in response.text:
        return html_selector(response.text, _utf8_body(response)), None, response.encoding
    text, encoding, repaired = decode_html(
        response.body, (response.headers.get("Content-Type") or b"").decode("latin-1")
    )
    what = REPAIRED if repaired else BAD_BYTES if "\ufffd" in text else None
    return html_selector(text), what, encoding


def _utf8_body(response: TextResponse) -> bytes | None:
    """The page's bytes when they are its text in UTF-8 (a text without U+FFFD decoded from UTF-8 bytes without a
    byte-order mark, which the text leaves out): what `html_selector` parses as they are, as `finnews extract` does."""
    body = response.body
    return body if response.encoding == "utf-8" and not body.startswith(codecs.BOM_UTF8) else None


def html_selector(text: str, utf8: bytes | None = None) -> Selector:
    """The parsed page of `text`, whole: a `</html>` or `</body>` before the page's end (a header include
    that closes the document, the article after it) ends nothing: after it and a comment,
    libxml2 puts the rest of the page in a second root element, outside the `<body>` every stage reads.
    `utf8`: `text` in UTF-8, when the caller has it (a page's bytes that decoded as UTF-8 without a bad
    byte): parsed as they are when nothing is to be cut from them, a tenth of the parse's time spared.

    >>> page = "<p>页头</p></html><!-- 页头完 -->" + "<p>正文</p>" * 200
    >>> Selector(text=page).xpath("count(//body//p)").get(), html_selector(page).xpath("count(//body//p)").get()
    ('1.0', '201.0')
    >>> html_selector(" <p>正文</p>", " <p>正文</p>".encode()).get() == html_selector("<p>正文</p>").get()
    True
    """
    if _early_end(text):
        text, utf8 = _DOCUMENT_END.sub("", text), None
    if utf8 is None or text[:1].isspace() or text[-1:].isspace() or b"\x00" in utf8:
        utf8 = text.strip().replace("\x00", "").encode()
    # Parsed as parsel parses `Selector(text=..., type="html")`, but into plain lxml.etree elements: the
    # element classes of lxml.html run Python code for every element proxy made (about a tenth of an
    # extraction's time on real pages), and no stage needs their methods.
    parser = etree.HTMLParser(recover=True, encoding="utf-8", huge_tree=True)
    root = etree.fromstring(utf8 or b"<html/>", parser)
    return Selector(root=etree.fromstring(b"<html/>", parser) if root is None else root, type="html")


# The end tags of a document: "</html>", "</BODY >".
_DOCUMENT_END = re.compile(r"</(?:html|body)\s*>", re.IGNORECASE)
#: How much of a page may follow its `</html>` (comments, a counter script) before it is an early one.
_AFTER_END_CHARS = 1000


def _early_end(text: str) -> bool:
    """Whether a `</html>` or `</body>` comes more than _AFTER_END_CHARS characters before the text's end."""
    found = _DOCUMENT_END.search(text, 0, max(0, len(text) - _AFTER_END_CHARS))
    return found is not None


def page_url(fetched: str, declared: str | None, profile: profiles.Profile) -> str:
    """What identifies an article page: its `<link rel=canonical>` when that is an article URL of the
    same site (CMSs that point every page's canonical at the home page exist), else the URL it was
    fetched from (after redirects); both in canonical form, on the profile's host (not on a mobile
    variant a redirect led to)."""
    if declared and same_site(declared, fetched):
        canonical = canonical_url(declared, profile.host)
        if profile.is_article(canonical):
            return canonical
    return canonical_url(fetched, profile.host)


def read_article(
    selector: Selector, response_url: str, profile: profiles.Profile, listing_date: str | None, crawled_at: datetime
) -> tuple[RawArticle, Article]:
    """The page's raw extraction and its Article item (raw values, before `crawler.normalize`)."""
    raw = extract_article(selector, response_url, profile.fields)
    url = page_url(response_url, raw.canonical_url, profile)
    article = raw.to_article(url, profile.name, profile.site_name, crawled_at)
    article.listing_date_raw = listing_date
    return raw, article


@dataclass(frozen=True)
class ArticleReading:
    """What the spider needs of an article page read in a worker process (`read_fetched_article`)."""

    article: Article
    failed: list[str]  # RawArticle.failed
    counter_url: str | None
    repair: str | None  # what `page_selector` did
    encoding: str
    hrefs: tuple[str, ...]  # `dom.page_hrefs`
    gone: bool  # the portal's "not found" page (`kind.is_gone`): no article


def read_fetched_article(
    response_class: type[TextResponse],
    url: str,
    body: bytes,
    content_type: bytes | None,
    profile: profiles.Profile,
    listing_date: str | None,
    crawled_at: datetime,
) -> ArticleReading:
    """`read_article` over a page's bytes as fetched: what an extraction worker process runs (its arguments
    and result pickle). The response is built again as Scrapy built it (same class, Content-Type and body,
    so the same encoding)."""
    response = response_class(url, body=body, headers={"Content-Type": content_type} if content_type else {})
    selector, repair, encoding = page_selector(response)
    raw, article = read_article(selector, url, profile, listing_date, crawled_at)
    return ArticleReading(
        article, raw.failed, raw.counter_url, repair, encoding, page_hrefs(selector), is_gone(selector)
    )
