"""The user's portal list (`scrapy crawl portal -a portals=FILE`): one portal per line.

    # my portals (a comment: from # to the end of the line; blank lines are skipped)
    http://www.caijing-a.cn/                 caijing_a
    http://news.example.com.cn/finance/      # no name: the portal is named by its host ("news.example.com.cn")
    http://127.0.0.1:8601/                   dede    # a name that has a profile: its rules, this start URL

A line is a start URL (http or https) and optionally the portal's name (letters, digits, `_` and `-`):
the `site` its articles are stored under, what `finnews query --site` and `finnews stats` show. Where a
profile of that name is found in the profile folders (`FINNEWS_PROFILE_DIRS`), its rules apply with the
line's start URL; otherwise the generic rules do. The file is UTF-8 (a byte-order mark is fine).

A bad line (no http(s) URL, a bad name, a third word, a name already used) is reported with its line
number and skipped: the other portals are crawled.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from crawler.profiles import (
    PROFILE_NAME,
    Profile,
    ProfileDirs,
    ProfileError,
    available,
    generic,
    load,
    replace_start_urls,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BadLine:
    """A line of the list that names no portal, and why."""

    number: int
    text: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.number}: {self.reason}: {self.text!r}"


@dataclass(frozen=True)
class Entry:
    """A portal of the list: its start URL and its name."""

    number: int
    url: str
    name: str


def parse(text: str, taken: Collection[str] = ()) -> tuple[list[Entry], list[BadLine]]:
    """The portals of a list's `text`, and its bad lines (a name in `taken` is one already used).

    >>> entries, bad = parse("http://a.cn/ a\\n# all of it a comment\\nhttp://b.cn/x/  # b\\nftp://c.cn/\\n")
    >>> [(e.number, e.url, e.name) for e in entries]
    [(1, 'http://a.cn/', 'a'), (3, 'http://b.cn/x/', 'b.cn')]
    >>> [str(b) for b in bad]
    ["line 4: not an http(s) URL: 'ftp://c.cn/'"]
    """
    entries: list[Entry] = []
    bad: list[BadLine] = []
    names: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        reason, entry = _entry(number, words)
        if entry is not None and (entry.name in names or entry.name in taken):
            where = f"line {names[entry.name]}" if entry.name in names else "-a site/start_url"
            reason, entry = f"the name {entry.name} is taken by {where}", None
        if entry is None:
            bad.append(BadLine(number, line.strip(), reason or "unreadable"))
            continue
        names[entry.name] = number
        entries.append(entry)
    return entries, bad


def _entry(number: int, words: list[str]) -> tuple[str | None, Entry | None]:
    """The entry of a line's `words`, or why there is none."""
    if len(words) > 2:
        return "more than a start URL and a name", None
    url = words[0]
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:  # a bad port or IPv6 literal
        return "not an http(s) URL", None
    if parts.scheme not in ("http", "https") or not hostname:
        return "not an http(s) URL", None
    name = words[1] if len(words) == 2 else parts.netloc
    if len(words) == 2 and not PROFILE_NAME.fullmatch(name):
        return "a name is letters, digits, _ and - only", None
    return None, Entry(number, url, name)


def read(
    path: str | Path, dirs: ProfileDirs = None, taken: Collection[str] = ()
) -> tuple[list[Profile], list[BadLine]]:
    """The profiles of the portal list at `path` (see the module's doc) and its bad lines, each logged as a
    warning (a name in `taken` is one already used). Raises ProfileError where the file cannot be read or
    names no portal at all."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"cannot read the portal list {path}: {exc}") from exc
    entries, bad = parse(text, taken)
    for line in bad:
        logger.warning("portal list %s, %s (skipped)", path, line)
    if not entries:
        raise ProfileError(f"the portal list {path} names no portal ({len(bad)} bad lines)")
    known = set(available(dirs))
    profiles = [
        replace_start_urls(load(entry.name, dirs), [entry.url])
        if entry.name in known
        else generic(entry.name, [entry.url])
        for entry in entries
    ]
    return profiles, bad
