"""A listing's other pages as a series the portal spider queues a few at a time (`PortalSpider._queue_pages`).

A listing's first page names every page up to its 末页 (`extract.pagination`): 2,700 requests at the
start of a 20,000-story crawl, each waiting in the scheduler's memory. Instead the spider queues the first
`AHEAD` pages of the series, and each page of it, once read (or lost), queues the page `AHEAD` places
after its own. The series travels with its requests (`cb_kwargs`, pickled into JOBDIR's queue) in a
compact form: runs of consecutive page numbers of one URL form as one item, so that a 500-page listing is
a few items, not 500 URLs.

An item is a URL, or (prefix, first, last, suffix) for the URLs prefix + n + suffix, n = first..last.
"""

from __future__ import annotations

from crawler.extract.pagination import page_url

#: How many pages of one series wait in the queue at once.
AHEAD = 3

Item = str | tuple[str, int, int, str]
Series = tuple[Item, ...]


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
