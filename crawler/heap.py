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
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Self

from scrapy import signals

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class FrozenHeap:
    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls()
        crawler.signals.connect(extension.freeze, signals.spider_opened)
        crawler.signals.connect(extension.freeze, signals.engine_stopped)
        return extension

    def freeze(self) -> None:
        gc.freeze()
