"""Titles: the headline without its site-name suffix ("标题_天下金融网" -> "标题"), given the site's names
or learnt from the `<title>`s of its pages (`TitleSuffixLearner`)."""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable

from crawler.normalize import patterns as P
from crawler.normalize.characters import clean_line

MAX_SUFFIX_CHARS = 40  # a <title> site suffix ("_天下金融网", " - 新浪财经") is never longer than this


def clean_title(text: str | None, site_names: Iterable[str] = ()) -> str | None:
    """The headline: a trailing site-name suffix removed, whitespace collapsed, NFC; never truncated.

    A suffix is removed only when it is one of `site_names`, given either as the bare name
    ("天下金融网": removed after any separator) or with its separator ("_天下金融网").

    >>> clean_title("对口援藏30年|援藏路上的坚守与创新_天下金融网", ["天下金融网"])
    '对口援藏30年|援藏路上的坚守与创新'
    >>> clean_title("【快讯】A股三大指数收涨 - 新浪财经", [" - 新浪财经"])
    '【快讯】A股三大指数收涨'
    >>> clean_title("关于天下金融网", ["天下金融网"])
    '关于天下金融网'
    """
    if not isinstance(text, str):
        return None
    title = clean_line(text)
    suffixes = _site_suffixes(site_names)
    changed = True
    while changed and title:
        changed = False
        for separator, name in suffixes:
            shorter = _without_suffix(title, separator, name)
            if shorter:
                title, changed = shorter, True
    return title or None


def _site_suffixes(site_names: Iterable[str]) -> list[tuple[str, str]]:
    """(separator, name) pairs; the separator is "" for a bare name."""
    if isinstance(site_names, str):
        site_names = [site_names]
    suffixes: list[tuple[str, str]] = []
    try:
        for raw in site_names:
            if not isinstance(raw, str):
                continue
            suffix = clean_line(raw)
            name = suffix.lstrip(P.TITLE_SEPARATORS + " ")
            if name:
                suffixes.append((suffix[: len(suffix) - len(name)].strip(), name))
    except TypeError:
        return []
    return suffixes


def _without_suffix(title: str, separator: str, name: str) -> str | None:
    if not title.endswith(name) or len(title) == len(name):
        return None
    head = title[: -len(name)].rstrip()
    if separator:
        if not head.endswith(separator):
            return None
        head = head[: -len(separator)]
    elif not head or head[-1] not in P.TITLE_SEPARATORS:
        return None
    head = head.rstrip(P.TITLE_SEPARATORS + " ")
    return head or None


def common_title_suffix(titles: Iterable[str], *, min_share: float = 0.5) -> str | None:
    """The separator + site-name suffix shared by most `<title>` texts of a site, e.g. "_天下金融网".

    A suffix counts when more than `min_share` of the titles (and at least two) end with it; the most
    shared wins, the longest among equals. Feed the result to `clean_title` as a site name.

    >>> common_title_suffix(["援藏30年_天下金融网", "C919承运旅客突破50万_天下金融网", "巴黎残奥会|冠军_天下金融网"])
    '_天下金融网'
    >>> common_title_suffix(["甲_乙", "丙_丁"]) is None
    True
    """
    counts: Counter[str] = Counter()
    total = 0
    try:
        for raw in titles:
            if not isinstance(raw, str):
                continue
            title = clean_line(raw)
            if not title:
                continue
            total += 1
            counts.update(_suffix_candidates(title))
    except TypeError:
        return None
    return _most_shared_suffix(counts.items(), total, min_share)


def _most_shared_suffix(
    counts: Iterable[tuple[str, int]], total: int, min_share: float, accept: Callable[[str], bool] | None = None
) -> str | None:
    """The suffix ending the most of `total` titles (at least two, more than `min_share` of them; the
    longest among equals, then the last in code-point order) that `accept` allows, or None.
    `counts` holds (suffix, number of titles ending with it) pairs."""
    best: tuple[int, int, str] | None = None
    for suffix, count in counts:
        rank = (count, len(suffix), suffix)
        qualifies = count >= 2 and count > total * min_share and (best is None or rank > best)
        if qualifies and (accept is None or accept(suffix)):
            best = rank
    return best[2] if best else None


def _suffix_candidates(title: str) -> set[str]:
    """Every separator + tail of a clean `title` that could be a site suffix ("_天下金融网", "|冠军_天下金融网").

    >>> sorted(_suffix_candidates("巴黎残奥会|冠军_天下金融网"))
    ['_天下金融网', '|冠军_天下金融网']
    """
    found = set()
    # A candidate starts at most MAX_SUFFIX_CHARS + 1 characters before the end: scan only the tail.
    for match in P.TITLE_SEPARATOR_RUN.finditer(title, max(0, len(title) - 2 * MAX_SUFFIX_CHARS)):
        suffix = title[match.start() :].strip()
        if match.start() > 0 and match.end() < len(title) and len(suffix) <= MAX_SUFFIX_CHARS:
            found.add(suffix)
    return found


class TitleSuffixLearner:
    """Learns each site's `<title>` suffix ("_天下金融网", "|天下金融网", " - 新浪财经") from its pages.

    `observe` records the `<title>` texts of a site (cleaned; the `max_titles` most recent distinct
    ones are kept, a title seen again only counts once). Once `min_titles` distinct titles were seen,
    `suffix` is the separator + name that `common_title_suffix` finds on more than `min_share` of them,
    provided its name has at least two characters and a letter (so "_2" of paginated titles is no site
    name); `strip` removes it from titles with `clean_title`. Headlines without a shared separator +
    name teach nothing: a shared last character ("A股收涨", "港股收涨") or a word after differing
    separators ("降准_利好", "降息-利好") never makes a suffix. Pure and deterministic: no I/O, no clock.

    >>> learner = TitleSuffixLearner()
    >>> for headline in ["援藏30年", "C919承运旅客突破50万", "巴黎残奥会|冠军", "A股收涨", "金价新高"]:
    ...     learner.observe("txjr", headline + "_天下金融网")
    >>> learner.suffix("txjr")
    '_天下金融网'
    >>> learner.strip("txjr", "央行降准_天下金融网")
    '央行降准'
    >>> learner.strip("other", "央行降准_天下金融网")
    '央行降准_天下金融网'
    """

    def __init__(self, *, min_titles: int = 5, max_titles: int = 200, min_share: float = 0.6) -> None:
        if not 2 <= min_titles <= max_titles:
            raise ValueError(f"need 2 <= min_titles <= max_titles, got {min_titles} and {max_titles}")
        if not 0.5 <= min_share < 1:
            raise ValueError(f"min_share must be in [0.5, 1), got {min_share}")
        self.min_titles = min_titles
        self.max_titles = max_titles
        self.min_share = min_share
        self._titles: dict[str, OrderedDict[str, frozenset[str]]] = {}  # site -> title key -> candidates
        self._counts: dict[str, Counter[str]] = {}  # site -> candidate -> titles ending with it
        self._shared: dict[str, set[str]] = {}  # site -> candidates of two titles or more (the only winners)
        self._learnt: dict[str, str | None] = {}  # site -> suffix, until the next observe

    def observe(self, site: str, title_tag: str | None) -> None:
        """Record one `<title>` text of `site`; non-text or empty titles are ignored."""
        if not isinstance(site, str) or not isinstance(title_tag, str):
            return
        title = clean_line(title_tag)
        if not title:
            return
        titles = self._titles.setdefault(site, OrderedDict())
        key = _title_key(title)
        if key in titles:
            titles.move_to_end(key)
            return
        candidates = frozenset(_suffix_candidates(title))
        titles[key] = candidates
        counts = self._counts.setdefault(site, Counter())
        shared = self._shared.setdefault(site, set())
        for candidate in candidates:
            counts[candidate] += 1
            if counts[candidate] == 2:
                shared.add(candidate)
        if len(titles) > self.max_titles:
            for old in titles.popitem(last=False)[1]:
                counts[old] -= 1
                if counts[old] < 2:
                    shared.discard(old)
                    if not counts[old]:
                        del counts[old]
        self._learnt.pop(site, None)

    def suffix(self, site: str) -> str | None:
        """The learnt suffix of `site` ("_天下金融网"), or None while there is no clear one."""
        if not isinstance(site, str):
            return None
        if site not in self._learnt:
            titles = self._titles.get(site)
            learnt = None
            if titles is not None and len(titles) >= self.min_titles:
                counts = self._counts[site]
                shared = ((candidate, counts[candidate]) for candidate in self._shared[site])
                learnt = _most_shared_suffix(shared, len(titles), self.min_share, _names_a_site)
            self._learnt[site] = learnt
        return self._learnt[site]

    def strip(self, site: str, title: str | None, site_names: Iterable[str] = ()) -> str | None:
        """`strip_suffix` of `title` with the suffix learnt for `site`: the headline without the site's suffix."""
        return strip_suffix(title, self.suffix(site), site_names)


def strip_suffix(title: str | None, suffix: str | None, site_names: Iterable[str] = ()) -> str | None:
    """`clean_title(title, [suffix, *site_names])`: the headline without its site's learnt `<title>` suffix
    (`TitleSuffixLearner.suffix`; None: none learnt) nor its site's names.

    The suffix is removed only with the separator it was learnt with ("_天下金融网" leaves "标题-天下金融网"
    alone); `site_names` (e.g. the profile's site name) are removed as usual.

    >>> strip_suffix("央行降准_天下金融网", "_天下金融网"), strip_suffix("央行降准-天下金融网", "_天下金融网")
    ('央行降准', '央行降准-天下金融网')
    """
    if isinstance(site_names, str):
        site_names = [site_names]
    try:
        names = [*site_names]
    except TypeError:
        names = []
    return clean_title(title, [suffix, *names] if suffix is not None else names)


def _title_key(title: str) -> str:
    """What tells two titles apart, in bounded memory: a long title keeps only its start and end."""
    edge = 2 * MAX_SUFFIX_CHARS
    return title if len(title) <= 2 * edge else title[:edge] + title[-edge:]


def _names_a_site(suffix: str) -> bool:
    """A learnt suffix must name something: two characters or more after the separator, one a letter.

    >>> _names_a_site("-金融观察网"), _names_a_site("_2"), _names_a_site("-A")
    (True, False, False)
    """
    name = suffix.lstrip(P.TITLE_SEPARATORS + " ")
    return len(name) >= 2 and any(c.isalpha() for c in name)
