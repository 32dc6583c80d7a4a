"""The crawl's seen set: one compact set of what was requested, shared by the portal spider and Scrapy's
dupefilter (`DUPEFILTER_CLASS = "crawler.seen.SeenDupeFilter"`).

The spider asks it before it makes a request (`url in spider.requested`: listings, nav bars and side lists
repeat a link dozens of times, and each repeat would cost ~0.5 ms in Scrapy's middlewares before the
dupefilter dropped it), and records each URL it requests or decides to skip. Scrapy's own dupefilter kept
a second set of the same pages, by request fingerprint. Both grow with the crawl (0.66 entries a response,
~145 and ~85 bytes an entry: ~35 MB at 100,000 stories), so both are now one set of 60-bit hashes, held in
a sorted array of 8 bytes an entry (a set of Python ints took ~70 bytes an entry with its table, ~11 MB at
100,000 stories; and its ints, made all through the crawl, kept the interpreter's memory pools they sat in
from being given back), the latest few thousand in a small set until they are merged in:

- a URL the spider records is the hash of its canonical spelling (`crawler.extract.urls.canonical_url`);
  the request it makes for it is marked (`recorded`), and the dupefilter lets a marked request through
  without a second entry. The spider's question "requested already?" is also yes for the same URL under the
  other of http and https (`urls.scheme_twin`): a site's pages mix both spellings of its links (old absolute links
  after a move to https), and each would be fetched twice and the second stored as a reprint of the first;
- any other request (a redirect's target, a request of another component) is checked as Scrapy's
  `RFPDupeFilter` checks it: a GET without a body by the hash of its `w3lib.url.canonicalize_url` spelling
  (the same hash as the spider's for most URLs, so a link to a page a redirect reached is not fetched
  again), any other by its request fingerprint.

With JOBDIR the set is kept in `requests.seen` (each entry as Scrapy frames its own: a 2-byte length, then
the 8-byte hash) and read back when the crawl resumes, so a resumed spider also skips what it requested
before. A crawl shared through Redis keeps its seen set there (`crawler.distributed`); the spider's set is
then its own process's.
"""

from __future__ import annotations

import heapq
import logging
from array import array
from bisect import bisect_left
from hashlib import blake2b
from pathlib import Path
from typing import IO, TYPE_CHECKING, Self

from scrapy.dupefilters import BaseDupeFilter
from scrapy.utils.job import job_dir
from scrapy.utils.request import RequestFingerprinter, RequestFingerprinterProtocol, referer_str
from w3lib.url import canonicalize_url

from crawler.extract.urls import scheme_twin

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

#: Meta key of a request whose URL its spider recorded in the seen set: the request's URL when it was made
#: (a redirect copies the meta, not the URL, so the request of a redirect's target is checked as any other).
RECORDED = "finnews_recorded"
#: The file of the seen set in JOBDIR, under the name of Scrapy's own (`crawler.monitoring.resumed` reads it).
SEEN_FILE = "requests.seen"
_LENGTH = (8).to_bytes(2, "big")  # each entry's frame, as Scrapy's RFPDupeFilter frames a fingerprint
#: The fewest new keys the set gathers before it merges them into its sorted array (at most an eighth of the
#: array: merging costs one pass over the array, so a crawl of n URLs pays O(n log n) in all).
_MERGE_AT = 4096


def url_key(url: str) -> int:
    """The seen set's key of `url`: its 60-bit hash (60 bits since the set held Python ints, whose size they
    kept small; the JOBDIR journals written then hold the same keys, so a resumed crawl reads them as they are).

    >>> url_key("http://x.cn/a/1.html") == url_key("http://x.cn/a/1.html") != url_key("http://x.cn/a/2.html")
    True
    >>> 0 <= url_key("http://x.cn/") < 2**60
    True
    """
    return _key(blake2b(url.encode("utf-8", "surrogatepass"), digest_size=8).digest())


def _key(digest: bytes) -> int:
    return int.from_bytes(digest[:8], "big") >> 4


class SeenUrls:
    """A set of URLs held as their `url_key`s: a sorted array and a set of the latest, merged in by the
    thousand (module doc); `add` also appends to the journal file, if any (JOBDIR).

    >>> seen = SeenUrls([f"http://x.cn/a/{n}.html" for n in range(10_000)])
    >>> "http://x.cn/a/9999.html" in seen, "http://x.cn/a/10000.html" in seen, len(seen)
    (True, False, 10000)
    """

    def __init__(self, urls: tuple[str, ...] | list[str] = ()) -> None:
        self._sorted = array("Q")
        self._latest: set[int] = set()
        self.journal: IO[bytes] | None = None
        for url in urls:
            self.add(url)

    def __contains__(self, url: object) -> bool:
        """Whether `url`, or its `scheme_twin`, was recorded."""
        if not isinstance(url, str):
            return False
        return self.has_key(url_key(url)) or ((twin := scheme_twin(url)) is not None and self.has_key(url_key(twin)))

    def __len__(self) -> int:
        return len(self._sorted) + len(self._latest)

    def add(self, url: str) -> None:
        self.add_key(url_key(url))

    def has_key(self, key: int) -> bool:
        if key in self._latest:
            return True
        index = bisect_left(self._sorted, key)
        return index < len(self._sorted) and self._sorted[index] == key

    def add_key(self, key: int) -> None:
        if not self.has_key(key):
            self._include(key)
            if self.journal is not None:
                self.journal.write(_LENGTH + (key << 4).to_bytes(8, "big"))

    def load(self, data: bytes) -> None:
        """Add the entries of a journal (a truncated last entry, from an unclean stop, is left out)."""
        position = 0
        while position + 2 <= len(data):
            size = int.from_bytes(data[position : position + 2], "big")
            entry = data[position + 2 : position + 2 + size]
            if len(entry) < size:
                return
            key = _key(entry)
            if not self.has_key(key):
                self._include(key)
            position += 2 + size

    def _include(self, key: int) -> None:
        self._latest.add(key)
        if len(self._latest) >= max(_MERGE_AT, len(self._sorted) // 8):
            # One pass, the merged array built as it goes: never a list or a set of every key at once.
            self._sorted = array("Q", heapq.merge(self._sorted, sorted(self._latest)))
            self._latest.clear()


def recorded(request: Request) -> Request:
    """`request`, marked as one whose URL its spider has recorded in the seen set (module doc)."""
    request.meta[RECORDED] = request.url
    return request


class SeenDupeFilter(BaseDupeFilter):
    """Scrapy's duplicate filter over the crawl's seen set: the portal spider's `requested`, when the spider
    has one, else a set of its own (module doc)."""

    def __init__(
        self,
        path: str | None = None,
        debug: bool = False,
        *,
        fingerprinter: RequestFingerprinterProtocol | None = None,
        crawler: Crawler | None = None,
    ) -> None:
        self.path = path
        self.debug = debug
        self.fingerprinter: RequestFingerprinterProtocol = fingerprinter or RequestFingerprinter()
        self.crawler = crawler
        self.seen = SeenUrls()
        self.logdupes = True

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(
            job_dir(crawler.settings),
            crawler.settings.getbool("DUPEFILTER_DEBUG"),
            fingerprinter=crawler.request_fingerprinter,
            crawler=crawler,
        )

    def open(self) -> None:
        spider_set = getattr(self.crawler.spider, "requested", None) if self.crawler else None
        if isinstance(spider_set, SeenUrls):
            self.seen = spider_set
        if self.path:
            journal = Path(self.path, SEEN_FILE).open("a+b")  # noqa: SIM115 (closed by `close`)
            journal.seek(0)
            self.seen.load(journal.read())
            self.seen.journal = journal

    def request_seen(self, request: Request) -> bool:
        if request.meta.get(RECORDED) == request.url:  # the spider asked the set before making it
            return False
        if request.method == "GET" and not request.body:
            key = url_key(canonicalize_url(request.url))
        else:
            key = _key(self.fingerprinter.fingerprint(request))
        if self.seen.has_key(key):
            return True
        self.seen.add_key(key)
        return False

    def close(self, reason: str) -> None:
        if self.seen.journal is not None:
            self.seen.journal.close()
            self.seen.journal = None

    def log(self, request: Request, spider: Spider) -> None:
        if self.debug:
            logger.debug("Filtered duplicate request: %s (referer: %s)", request, referer_str(request))
        elif self.logdupes:
            logger.debug("Filtered duplicate request: %s - no more duplicates will be shown", request)
            self.logdupes = False
        spider.crawler.stats.inc_value("dupefilter/filtered")
