"""FrozenHeap: the objects a crawl holds from its start-up on are kept out of Python's garbage collector
(Scrapy glue).

A crawl imports Scrapy, Twisted, SQLAlchemy, numpy and lxml before its first request: about 180,000
objects that live as long as the process. CPython's cyclic collector walks all of them at every full
collection (a few a minute at a crawl's rate of allocation) and several times more when the interpreter
exits: 2.2 s of a 1,000-story crawl's 30 s, and 1.2 s after its last line, on the machine of README's
figures. `gc.freeze()` moves them into the collector's permanent generation when the spider opens, so
collections see only what the crawl made since; and once more when the engine has stopped, so the exit
walks nothing. Objects are still freed by reference counting as before; only cyclic garbage made before
a freeze stays until the process ends (start-up's is a few kilobytes).

A crawl also collects its youngest generation less often (`collect_less_often`, from the start of `scrapy
crawl`): every `YOUNG_THRESHOLD` net container allocations instead of CPython's 700. A page read allocates
thousands of short-lived containers that reference counting frees anyway, and start-up's imports allocate
objects that all live: at 700 a 1,000-story crawl ran ~1,000 young collections, ~90 of the middle
generation and ~8 full ones (0.8 s of CPU, 0.26 s of it before the first request); at 10,000, ~45, 3 and
none (0.25 s; README, Measured). The older generations keep their thresholds (counted in young
collections); cyclic garbage waits at most 10,000 allocations longer to be freed.

Processes that read pages without a crawl do both once their set-up is done (`settle_start_up`): `finnews
extract` after its warm-up (a full collection walking its start-up objects paused one page of the 84 real ones
for 48 ms, in `elapsed_s`) and an extraction worker after its imports.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Self

from scrapy import signals

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


#: Net container allocations between two collections of the youngest generation (CPython's default: 700).
YOUNG_THRESHOLD = 10_000


class FrozenHeap:
    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls()
        crawler.signals.connect(extension.freeze, signals.spider_opened)
        crawler.signals.connect(extension.freeze, signals.engine_stopped)
        return extension

    def freeze(self) -> None:
        gc.freeze()


def settle_start_up() -> None:
    """Keep what the process made so far out of collections (`gc.freeze`), and collect less often from here on."""
    gc.freeze()
    collect_less_often()


def collect_less_often() -> None:
    """Collect the youngest generation every `YOUNG_THRESHOLD` net allocations (see the module docstring)."""
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
