"""A fetched listing page as the spider reads it: what it follows of it (its links, its main list's dates, its
listing's other pages, its feeds), read in the crawl's process or, pickled both ways, in an extraction worker's
(`read_fetched_listing`, `crawler.workers`)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from parsel import Selector
from scrapy.http import TextResponse

from crawler import profiles
from crawler.extract.category import site_name
from crawler.extract.discovery import feed_links
from crawler.extract.links import Link, site_links
from crawler.extract.mainlist import MainList, main_list
from crawler.extract.page import fetched_selector
from crawler.extract.pagefacts import page_elements
from crawler.extract.pagination import pagination


@dataclass(frozen=True)
class ListingReading:
    """What the spider follows of a listing page (`read_listing`)."""

    links: tuple[str, ...]  # the URLs of its links to the site (`links.site_links`), in page order
    dates: dict[str, str | None]  # its main list: URL -> the date shown beside its link (`mainlist.MainList.dates`)
    pages: list[str]  # its listing's other pages (`pagination.pagination`)
    site_name: str | None  # the site's name by the page's `<title>`, where the profile names none
    feeds: list[str]  # the RSS/Atom feeds it names (`discovery.feed_links`), where asked for
    repairs: tuple[str, ...] = ()  # what `page.page_selector` did
    encoding: str = "utf-8"


def read_listing(
    selector: Selector,
    url: str,
    profile: profiles.Profile,
    max_pages: int,
    feeds: bool,
    links: list[Link] | None = None,
    main: MainList | None = None,
) -> ListingReading:
    """What the spider follows of the listing page `selector` at `url`: at most `max_pages` other pages of its
    listing; its feeds where `feeds` (FINNEWS_DISCOVER). `links` and `main`: its site links and main list, where
    read already (a page its content classified)."""
    links = site_links(selector, url, profile.host) if links is None else links
    main = main_list(links) if main is None else main
    titles = page_elements(selector)["title"] if profile.site_name is None else []
    return ListingReading(
        tuple(link for link, _ in links),
        dict(main.dates),
        pagination(links, url, max_pages),
        site_name(next((title.text for title in titles if title.text), None)),
        feed_links(selector, url) if feeds else [],
    )


def read_fetched_listing(
    response_class: type[TextResponse],
    url: str,
    body: bytes,
    content_type: bytes | None,
    profile: profiles.Profile,
    max_pages: int,
    feeds: bool,
) -> ListingReading:
    """`read_listing` over a page's bytes as fetched (`page.fetched_selector`): what an extraction worker process
    runs."""
    selector, repairs, encoding = fetched_selector(response_class, url, body, content_type)
    reading = read_listing(selector, url, profile, max_pages, feeds)
    return dataclasses.replace(reading, repairs=repairs, encoding=encoding)
