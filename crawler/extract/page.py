"""A fetched article page as the spider reads it: its tree (the charset repaired), its identity URL and its
Article item. One home for both readers of a page: the crawl (`crawler.spiders.portal`) and
`finnews reextract` (`crawler.reextract`), which reads kept pages with no network."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lxml.etree import XPath
from parsel import Selector
from scrapy.http import TextResponse

from crawler import profiles
from crawler.extract.article import RawArticle, extract_article
from crawler.extract.charset import decode_html
from crawler.extract.urls import canonical_url, same_site
from crawler.items import Article

#: What `page_selector` did to a page's text: nothing, re-decoded it, or read bad bytes as U+FFFD.
REPAIRED, BAD_BYTES = "repaired", "bad_bytes"


def page_selector(response: TextResponse) -> tuple[Selector, str | None, str]:
    """The page's selector, re-decoded when its declared charset was wrong; bad bytes in a page of a right
    charset are U+FFFD where they are. Also what was done (None, REPAIRED, BAD_BYTES) and the encoding."""
    if "\ufffd" not in response.text:
        return response.selector, None, response.encoding
    text, encoding, repaired = decode_html(
        response.body, (response.headers.get("Content-Type") or b"").decode("latin-1")
    )
    what = REPAIRED if repaired else BAD_BYTES if "\ufffd" in text else None
    return Selector(text=text, type="html"), what, encoding


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


#: Every href of a page (the spider weighs the new ones as related links).
HREFS = XPath("//a/@href")


@dataclass(frozen=True)
class ArticleReading:
    """What the spider needs of an article page read in a worker process (`read_fetched_article`)."""

    article: Article
    failed: list[str]  # RawArticle.failed
    counter_url: str | None
    repair: str | None  # what `page_selector` did
    encoding: str
    hrefs: list[str]


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
    hrefs = [str(href) for href in HREFS(selector.root)]
    return ArticleReading(article, raw.failed, raw.counter_url, repair, encoding, hrefs)
