"""A listing's other pages as a series the portal spider queues a few at a time (`PortalSpider._queue_pages`).

A listing's first page names every page up to its 末页 (`extract.pagination`): 2,700 requests at the
start of a 20,000-story crawl, each waiting in the scheduler's memory. Instead the spider queues the first
`AHEAD` pages of the series, and each page of it, once read (or lost), queues the page `AHEAD` places
after its own. The series travels with its requests (`cb_kwargs`, pickled into JOBDIR's queue) in a
compact form: runs of consecutive page numbers of one URL form as one item, so that a 500-page listing is
a few items, not 500 URLs.

`ListingPages` (a mixin of `PortalSpider`) queues them; the functions below read a series.
An item is a URL, or (prefix, first, last, suffix) for the URLs prefix + n + suffix, n = first..last.
"""

from __future__ import annotations

from collections.abc import Iterator

from scrapy import Request

from crawler import profiles
from crawler.extract.pagination import page_url
from crawler.spiders.parts import Mixin

#: How many pages of one series wait in the queue at once.
AHEAD = 3

Item = str | tuple[str, int, int, str]
Series = tuple[Item, ...]
#: A page's place in its series: the series, and the page's index in it (`nth`).
Place = tuple[Series, int]


def compact(urls: list[str]) -> Series:
    """`urls`, in order, with runs of consecutive page numbers as one item each.

    >>> compact(["http://x.cn/l_2.html", "http://x.cn/l_9.html", "http://x.cn/l_3.html", "http://x.cn/l_4.html"])
    (('http://x.cn/l_', 2, 2, '.html'), ('http://x.cn/l_', 9, 9, '.html'), ('http://x.cn/l_', 3, 4, '.html'))
    >>> compact(["http://x.cn/news/?after=abc"])
    ('http://x.cn/news/?after=abc',)
    """
    items: list[Item] = []
    for url in urls:
        form = page_url(url)
        if form is None or form.page(form.number) != url:
            items.append(url)
            continue
        last = items[-1] if items else None
        if isinstance(last, tuple) and (last[0], last[2] + 1, last[3]) == (form.prefix, form.number, form.suffix):
            items[-1] = (last[0], last[1], form.number, last[3])
        else:
            items.append((form.prefix, form.number, form.number, form.suffix))
    return tuple(items)


def length(series: Series) -> int:
    """How many URLs `series` holds."""
    return sum(1 if isinstance(item, str) else item[2] - item[1] + 1 for item in series)


def nth(series: Series, index: int) -> str:
    """The URL at `index` of `series`.

    >>> series = compact(["http://x.cn/l_2.html", "http://x.cn/l_9.html", "http://x.cn/l_3.html", "http://x.cn/l_4.html"])
    >>> [nth(series, index) for index in range(length(series))] == ["http://x.cn/l_2.html", "http://x.cn/l_9.html",
    ...                                                              "http://x.cn/l_3.html", "http://x.cn/l_4.html"]
    True
    """
    for item in series:
        size = 1 if isinstance(item, str) else item[2] - item[1] + 1
        if index < size:
            return item if isinstance(item, str) else f"{item[0]}{item[1] + index}{item[3]}"
        index -= size
    raise IndexError(index)


def holds(series: Series, url: str) -> bool:
    """Whether `url` is one of the URLs of `series`.

    >>> series = compact(["http://x.cn/l_2.html", "http://x.cn/l_3.html", "http://x.cn/l_4.html"])
    >>> holds(series, "http://x.cn/l_3.html"), holds(series, "http://x.cn/l_5.html")
    (True, False)
    """
    form = page_url(url)
    if form is not None and form.page(form.number) != url:  # "l_03.html": an item of its own, if any
        form = None
    for item in series:
        if isinstance(item, str):
            if item == url:
                return True
        elif (
            form is not None and (form.prefix, form.suffix) == (item[0], item[3]) and item[1] <= form.number <= item[2]
        ):
            return True
    return False


class ListingPages(Mixin):
    """The series of a listing's pages (a mixin of `PortalSpider`; what it uses of the spider: `crawler.spiders.parts`)."""

    def _queue_pages(self, urls: list[str], profile: profiles.Profile, page: int) -> Iterator[Request]:
        """Requests for a listing's other pages: the first `AHEAD` of them, each of which queues
        the one `AHEAD` after it when it is read or lost (`_next_page`), so that the scheduler's memory does
        not hold every page of every listing at once. In a crawl shared through Redis (its queue is not in
        this process's memory) all of them at once."""
        ahead = len(urls) if self.settings.get("FINNEWS_REDIS_URL") else AHEAD
        series = compact(urls) if len(urls) > ahead else None
        for index, url in enumerate(urls[:ahead]):
            if not self._may_follow_listing(profile):
                return
            yield self._listing_request(url, profile, page=page, series=(series, index) if series else None)

    def _next_page(self, profile: profiles.Profile, page: int, series: Place | None) -> Iterator[Request]:
        """The request for the page `AHEAD` places after this one in its series, if any; past it where that
        page was requested already (by a page not of the series, which does not queue the series' next)."""
        if series is None:
            return
        urls, index = series
        for later in range(index + AHEAD, length(urls), AHEAD):
            url = nth(urls, later)
            if url in self.requested or profile.is_denied(url):
                continue
            if self._may_follow_listing(profile):
                yield self._listing_request(url, profile, page=page, series=(urls, later))
            return

    def page_dropped(self, request: Request) -> None:
        """A page of a series the scheduler dropped (a redirect to a page requested already): the series
        goes on without it."""
        arguments = request.cb_kwargs
        if "series" in arguments and request.callback in (self.parse_listing, self.parse_listing_in_worker):
            for later in self._next_page(arguments["profile"], arguments["page"], arguments["series"]):
                self.crawler.engine.crawl(later)
