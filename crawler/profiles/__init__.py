"""Portal profiles: one TOML file per portal, overriding only what the generic rules get wrong.

A profile (``<name>.toml`` in a profile folder)::

    site_name = "天下金融网"                    # the portal's own name: stripped from titles, 来源 of itself -> null
    start_urls = ["http://127.0.0.1:8603/"]
    article_urls = ['/\\d{4}/\\d{4}/\\d+\\.html$']  # regexes searched in article URLs
    listing_urls = ['/zixun/(\\d+/)?$']           # regexes searched in listing (and pagination) URLs
    deny_urls = ['/private/']                   # never followed
    allow = ["x-cdn.cn"]                        # other hosts the portal's pages live on (counter scripts, redirects)
    sitemaps = ["/sitemap_news.xml"]            # sitemaps beside those robots.txt names (else /sitemap.xml)
    feeds = ["/rss.xml"]                        # RSS/Atom feeds listing articles
    proxy = "http://127.0.0.1:3128"             # every request of the portal goes through this HTTP proxy

    [headers]                                   # sent with every request of the portal
    Referer = "http://www.example.cn/"
    [cookies]                                   # sent with every request of the portal (a session you hold)
    acw_tc = "..."

    [fields]                                    # CSS or XPath (starting with / or () per field
    body = "div.article-body"

    [[json_listings]]                           # a "加载更多" / XHR / JSONP endpoint, pages 1, 2, ...
    url = "/api/list?page={page}&callback=cb"   # {page}: the page number
    items = "data.list"                         # dotted path to the list of entries ("" : the answer itself)
    link = "url"                                # path of an entry's URL, title and date in the entry
    title = "title"
    date = "ctime"
    pages = 20                                  # most pages asked (it stops at the first page of nothing new)

Every key but ``start_urls`` is optional; see ``GENERIC_ARTICLE_URLS`` for the default article URLs.
A profile without URL patterns of its own (``generic``) also tells articles from listings by their
content where its URL patterns leave it open (``crawler.extract.kind.page_kind``).

Where profiles are found (`search_path`): the built-in ones of this package (``crawler/profiles/*.toml``,
read through `importlib.resources`, so an installed wheel or egg works; none ship today), then the
folders of the ``FINNEWS_PROFILE_DIRS`` setting (an ``os.pathsep``-separated list, defaulted in
``crawler/settings.py`` from the environment variable of the same name), in that order; the first
folder holding ``<name>.toml`` wins. The sample portals' profiles are in ``sampleportals/profiles/``.

A profile is loaded by its name only (letters, digits, ``_`` and ``-``): never by a path, so a name
given on a command line cannot reach a file outside the profile folders.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

#: A profile's name: the stem of its file, no path (no separator, no `..`).
PROFILE_NAME = re.compile(r"[A-Za-z0-9_-]+")

#: The `FINNEWS_PROFILE_DIRS` value: folders separated by `os.pathsep`, or a list of folders.
ProfileDirs = str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None

#: The keys a profile may have.
KEYS = frozenset({
    "site_name", "start_urls", "article_urls", "listing_urls", "deny_urls", "fields", "allow",
    "sitemaps", "feeds", "json_listings", "headers", "cookies", "proxy",
})  # fmt: skip

#: Fields a profile may override with a CSS/XPath expression.
FIELDS = frozenset({"title", "meta", "date", "source", "author", "editor", "views", "body", "category"})

# Article URLs of the common CMS families and of real portals, each with an example it matches. None
# matches a channel, a listing page or a page number ("/news/", "/2024/", "/list_5_2.html", "/index_2.html").
GENERIC_ARTICLE_URLS = (
    r"/20\d{2}[01]\d[0-3]\d/\d+\.s?html?$",  # "/a/20240903/123.html", "/main/a/20200709/12323944.shtml"
    r"/20\d{2}/[a-z_]*[01]\d[0-3]\d/\d+\.s?html?$",  # "/zixun/2024/0903/123.html", "/html/2024/finance_0903/123.html"
    r"/20\d{2}-[01]\d/[0-3]\d/[^/]+\.s?html?$",  # "/2024-09/03/c_1130.htm"
    r"/20\d{2}-[01]\d-[0-3]\d/[a-z]+-[a-z0-9]{6,}\.s?html?$",  # "/china/2019-08-28/doc-ihytcitn2817.shtml"
    r"/20\d{2}/[01]\d[0-3]\d/c\d+-\d+\.html?$",  # "/n1/2019/0828/c1004-31321.html"
    r"/\d{2}/[01]\d[0-3]\d/[0-2]\d/[0-9A-Z]{16}\.html$",  # "/20/0802/16/FJ1P0UTC0001899O.html"
    r"/20\d{6}/20\d{6}[A-Z][0-9A-Z]{5,}\.html$",  # "/omn/20200704/20200704A04HVX00.html"
    r"/20\d{2}[01]\d[0-3]\d\d{6,}\.s?html?$",  # "/a/202112081234567890.html"
    r"/t20\d{6}_\d+\.s?html?$",  # "/news/t20240903_123.html"
    r"/(?:article|content|show|detail|news)[/_-]\d+\.s?html?$",  # "/article/123.html", "/news_123.html"
    r"/(?:doc|a|article|detail)-[a-z0-9]{8,}\.s?html?$",  # "/doc-ihytcitn2817123.shtml"
)


@dataclass(frozen=True)
class JsonListing:
    """A JSON (or JSONP) listing endpoint: `url` with `{page}`, and where entries are in its answer
    (`crawler.extract.discovery.json_entries`)."""

    url: str
    items: str
    link: str
    title: str | None = None
    date: str | None = None
    first_page: int = 1
    pages: int = 20

    def page_url(self, page: int) -> str:
        """The endpoint's URL for page `page`."""
        return self.url.replace("{page}", str(page))


class ProfileError(ValueError):
    """A profile that cannot be used, with the reason."""


@dataclass(frozen=True)
class Profile:
    name: str
    start_urls: tuple[str, ...]
    site_name: str | None = None
    article_urls: tuple[re.Pattern[str], ...] = ()
    listing_urls: tuple[re.Pattern[str], ...] = ()
    deny_urls: tuple[re.Pattern[str], ...] = ()
    fields: dict[str, str] = field(default_factory=dict)
    #: Hosts beside the start URLs' registrable domains that the crawl may fetch from (`crawler.scope`).
    allow: tuple[str, ...] = ()
    #: Whether a page no pattern classifies is an article or a listing by its content: for a profile
    #: without URL patterns of its own, whose generic patterns miss "/news/show?id=123" or "/p/98765".
    classify_by_content: bool = False
    #: Where else the portal lists its articles (`crawler.spiders.discovery`): sitemaps beside robots.txt's,
    #: RSS/Atom feeds, JSON listing endpoints.
    sitemaps: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    json_listings: tuple[JsonListing, ...] = ()
    #: Sent with every request of the portal (`crawler.middlewares.PortalRequestMiddleware`).
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    proxy: str | None = None

    @property
    def host(self) -> str:
        """The host (and port) of the portal: its pages reached on a variant of it (m., wap.) are put on it."""
        return urlsplit(self.start_urls[0]).netloc

    def is_article(self, url: str) -> bool:
        return any(p.search(url) for p in self.article_urls)

    def is_listing(self, url: str) -> bool:
        """Listing patterns when the profile has some; else every page of the site that is no article."""
        return any(p.search(url) for p in self.listing_urls) if self.listing_urls else not self.is_article(url)

    def is_denied(self, url: str) -> bool:
        return any(p.search(url) for p in self.deny_urls)


def search_path(dirs: ProfileDirs = None) -> list[Traversable]:
    """The profile folders, in lookup order: the built-in one, then `dirs` (the FINNEWS_PROFILE_DIRS setting).

    >>> [str(folder) for folder in search_path(os.pathsep.join(["/srv/a", "", "/srv/b"]))][1:]
    ['/srv/a', '/srv/b']
    """
    if dirs is None:
        folders: list[str | os.PathLike[str]] = []
    elif isinstance(dirs, str):
        folders = [part for part in dirs.split(os.pathsep) if part.strip()]
    elif isinstance(dirs, os.PathLike):
        folders = [dirs]
    else:
        folders = list(dirs)
    return [resources.files(__name__), *(Path(folder).expanduser() for folder in folders)]


def available(dirs: ProfileDirs = None) -> list[str]:
    """Names of the profiles found in the profile folders (see `search_path`)."""
    names: set[str] = set()
    for folder in search_path(dirs):
        if folder.is_dir():
            names.update(_stem(entry) for entry in folder.iterdir() if _is_profile_file(entry))
    return sorted(names)


def load(name: str, dirs: ProfileDirs = None) -> Profile:
    """The profile `name` from the first profile folder that has it, validated.

    `name` is a name, never a path: anything but letters, digits, `_` and `-` raises ProfileError.
    """
    check_name(name)
    folders = search_path(dirs)
    entry = next((folder / f"{name}.toml" for folder in folders if (folder / f"{name}.toml").is_file()), None)
    if entry is None:
        searched = ", ".join(str(folder) for folder in folders)
        raise ProfileError(
            f"no profile {name!r} (available: {', '.join(available(dirs)) or 'none'}; "
            f"profile folders: {searched}; add yours to FINNEWS_PROFILE_DIRS)"
        )
    try:
        data = tomllib.loads(entry.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{entry}: {exc}") from exc
    return from_dict(name, data)


def check_name(name: str) -> str:
    """`name` if it can name a profile; ProfileError for a path or anything outside [A-Za-z0-9_-].

    >>> check_name("txjr")
    'txjr'
    >>> check_name("../../etc/passwd")
    Traceback (most recent call last):
    ...
    crawler.profiles.ProfileError: bad profile name '../../etc/passwd': a profile is named by letters, digits, _ and - only (its file NAME.toml in a profile folder), never by a path
    """
    if not PROFILE_NAME.fullmatch(name):
        raise ProfileError(
            f"bad profile name {name!r}: a profile is named by letters, digits, _ and - only "
            "(its file NAME.toml in a profile folder), never by a path"
        )
    return name


def _is_profile_file(entry: Traversable) -> bool:
    return entry.name.endswith(".toml") and PROFILE_NAME.fullmatch(_stem(entry)) is not None and entry.is_file()


def _stem(entry: Traversable) -> str:
    return entry.name.removesuffix(".toml")


def generic(name: str, start_urls: list[str]) -> Profile:
    """A profile for a portal known only by its start URLs."""
    return from_dict(name, {"start_urls": start_urls})


def from_dict(name: str, data: dict[str, Any]) -> Profile:
    unknown = set(data) - KEYS
    if unknown:
        raise ProfileError(f"profile {name}: unknown keys {sorted(unknown)}")
    if not data.get("start_urls"):
        raise ProfileError(f"profile {name}: start_urls is required")
    fields = data.get("fields", {})
    if bad := set(fields) - FIELDS:
        raise ProfileError(f"profile {name}: unknown fields {sorted(bad)} (known: {sorted(FIELDS)})")
    return Profile(
        name=name,
        start_urls=tuple(data["start_urls"]),
        site_name=data.get("site_name"),
        article_urls=_compile(name, data.get("article_urls", GENERIC_ARTICLE_URLS)),
        listing_urls=_compile(name, data.get("listing_urls", ())),
        deny_urls=_compile(name, data.get("deny_urls", ())),
        fields=dict(fields),
        allow=tuple(str(host) for host in data.get("allow", ())),
        classify_by_content="article_urls" not in data and "listing_urls" not in data,
        sitemaps=_strings(name, "sitemaps", data.get("sitemaps", ())),
        feeds=_strings(name, "feeds", data.get("feeds", ())),
        json_listings=tuple(_json_listing(name, spec) for spec in data.get("json_listings", ())),
        headers=_table(name, "headers", data.get("headers", {})),
        cookies=_table(name, "cookies", data.get("cookies", {})),
        proxy=_proxy(name, data.get("proxy")),
    )


def _strings(name: str, key: str, values: Any) -> tuple[str, ...]:
    if not isinstance(values, list | tuple) or not all(isinstance(value, str) for value in values):
        raise ProfileError(f"profile {name}: {key} must be a list of strings")
    return tuple(values)


def _table(name: str, key: str, values: Any) -> dict[str, str]:
    if not isinstance(values, dict) or not all(isinstance(value, str) for value in values.values()):
        raise ProfileError(f"profile {name}: [{key}] must be a table of strings")
    return dict(values)


def _proxy(name: str, proxy: Any) -> str | None:
    if proxy is None:
        return None
    if not isinstance(proxy, str) or urlsplit(proxy).scheme not in ("http", "https") or not urlsplit(proxy).hostname:
        raise ProfileError(f"profile {name}: proxy must be an http(s) URL (http://host:port), not {proxy!r}")
    return proxy


def _json_listing(name: str, spec: Any) -> JsonListing:
    known = {field.name for field in dataclasses.fields(JsonListing)}
    if not isinstance(spec, dict) or set(spec) - known or not {"url", "items", "link"} <= set(spec):
        raise ProfileError(
            f"profile {name}: each [[json_listings]] needs url, items and link (and may set {sorted(known)})"
        )
    if "{page}" not in str(spec["url"]):
        raise ProfileError(f"profile {name}: a json_listings url needs {{page}}: {spec['url']!r}")
    try:
        return JsonListing(**spec)
    except TypeError as exc:
        raise ProfileError(f"profile {name}: bad [[json_listings]]: {exc}") from exc


def _compile(name: str, patterns: Any) -> tuple[re.Pattern[str], ...]:
    try:
        return tuple(re.compile(p) for p in patterns)
    except (re.error, TypeError) as exc:
        raise ProfileError(f"profile {name}: bad URL pattern: {exc}") from exc


def replace_start_urls(profile: Profile, start_urls: list[str]) -> Profile:
    """The same profile, crawled from other start URLs (a mirror, a test server)."""
    return dataclasses.replace(profile, start_urls=tuple(start_urls))
