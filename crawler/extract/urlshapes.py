"""Article-URL shapes learned from a site's listings: the dated links of a main list share a shape
("/2024/0903/12345.html", "/a/20240903/...", "/n1/2019/0828/c1004-313.html", "/doc-ixxxx.shtml"), and a link
of that shape elsewhere on the site is an article too, whether a date shows beside it or not.

A URL's shape is its host and the tokens of its path and query: a run of letters as written, a run of digits
as a year, a month and day, a year and month, a date or else an id (`_digits`), a run of letters and digits
mixed (a coded id) by its length, the rest as written. `UrlShapes.learn` keeps the shapes at least MIN_SHAPE_LINKS links share, a letter run that differs
between them made a wildcard ("/c1004-313.html" and "/c1001-5.html" share "/%5-#n.html", "/n1/..." and
"/n2/..." share "/%2/...").

Pure: the spider keeps one `UrlShapes` per portal and routes by it (`crawler.spiders.portal`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from urllib.parse import urlsplit

#: The dated links of one listing that must share a shape for it to be learned: two links may share one by chance.
MIN_SHAPE_LINKS = 3

# A path's tokens: runs of letters and digits, and the runs of anything else ("/", "-", ".", "?", "=").
_TOKENS = re.compile(r"[^\W_]+|[\W_]+")
ANY_LETTERS = None  # a letter run that differs between the links of a shape

#: A URL's tokens: its host, then each token of its path and query (`url_tokens`).
Tokens = tuple[str, ...]
#: A learned shape: tokens, ANY_LETTERS where its links' letter runs differ.
Shape = tuple[str | None, ...]


def url_tokens(url: str) -> Tokens:
    """The host and the classed tokens of `url`'s path and query (a digit run as "#4", "#6", "#8" or "#n", a run
    of letters and digits as "%" and its length).

    >>> url_tokens("http://news.x.cn/a/20240903/12345.html")
    ('news.x.cn', '/', 'a', '/', '#8', '/', '#n', '.', 'html')
    >>> url_tokens("http://x.cn/news/show?id=88")[-5:]
    ('show', '?', 'id', '=', '#n')
    """
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    tokens = [parts.netloc.lower()]
    for token in _TOKENS.findall(path):
        if token.isdigit():
            token = _digits(token)
        elif not token.isalpha() and token.isalnum():
            token = f"%{len(token)}"  # letters and digits mixed: a coded id ("FDRE649B0001899O"), by its length
        tokens.append(token)
    return tuple(tokens)


def _digits(run: str) -> str:
    """The class of a digit run: "#4" a year or a month and day, "#6" a year and month, "#8" a date, "#n" an id.

    >>> [_digits(run) for run in ("2024", "0903", "202409", "20240903", "4444", "123", "20241399")]
    ['#4', '#4', '#6', '#8', '#n', '#n', '#n']
    """
    year = run[:4] if run[:2] in ("19", "20") else ""
    if len(run) == 4 and (year or _month_day(run)):
        return "#4"
    if len(run) == 6 and year and _month_day(run[4:] + "01"):
        return "#6"
    if len(run) == 8 and year and _month_day(run[4:]):
        return "#8"
    return "#n"


def _month_day(run: str) -> bool:
    """Whether the four digits `run` are a month and a day: "0903"."""
    return 1 <= int(run[:2]) <= 12 and 1 <= int(run[2:]) <= 31


def _skeleton(tokens: Tokens) -> tuple[str, ...]:
    """`tokens` with every letter run made one class: what the links of one shape have in common."""
    return tuple("a" if token.isalpha() and index else token for index, token in enumerate(tokens))


class UrlShapes:
    """The article-URL shapes of a site, learned from the dated links of its listings' main lists.

    >>> shapes = UrlShapes()
    >>> shapes.learn(["http://x.cn/a/20240903/1.html", "http://x.cn/a/20240902/17.html", "http://x.cn/a/20240830/5.html"])
    >>> shapes.matches("http://x.cn/a/20240904/123.html"), shapes.matches("http://x.cn/news/index.html")
    (True, False)
    """

    def __init__(self) -> None:
        self._shapes: dict[tuple[str, ...], set[Shape]] = defaultdict(set)

    def __bool__(self) -> bool:
        return bool(self._shapes)

    def learn(self, urls: Iterable[str]) -> None:
        """Add the shapes that MIN_SHAPE_LINKS of `urls` (one listing's dated main-list links) share."""
        groups: dict[tuple[str, ...], list[Tokens]] = defaultdict(list)
        for url in urls:
            tokens = url_tokens(url)
            groups[_skeleton(tokens)].append(tokens)
        for skeleton, members in groups.items():
            if len(members) >= MIN_SHAPE_LINKS:
                shape = tuple(
                    values[0] if len(set(values)) == 1 else ANY_LETTERS for values in zip(*members, strict=True)
                )
                self._shapes[skeleton].add(shape)

    def matches(self, url: str) -> bool:
        """Whether `url` has a learned shape."""
        tokens = url_tokens(url)
        return any(
            all(expected is ANY_LETTERS or expected == token for expected, token in zip(shape, tokens, strict=True))
            for shape in self._shapes.get(_skeleton(tokens), ())
        )
