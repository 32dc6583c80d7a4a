"""A fetched article page as the spider reads it: its tree (the charset repaired), its identity URL and its
Article item. One home for both readers of a page: the crawl (`crawler.spiders.portal`) and
`finnews reextract` (`crawler.reextract`), which reads kept pages with no network."""

from __future__ import annotations

from datetime import datetime

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
