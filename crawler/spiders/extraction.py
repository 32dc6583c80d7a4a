"""The portal spider's extraction worker processes (a mixin of `PortalSpider`, `crawler.workers`): started with
the crawl's start where FINNEWS_EXTRACTION_PROCESSES asks for them, stopped when it closes. The spider reads article
pages (`crawler.spiders.articles`) and listing pages (`crawler.spiders.portal`) in them, `NormalizePipeline`
normalises articles and fingerprints their bodies in them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from scrapy.http import TextResponse

from crawler.extract.listing import read_fetched_listing
from crawler.extract.page import read_fetched_article
from crawler.spiders.parts import Mixin
from crawler.workers import Workers

_Reading = TypeVar("_Reading")


class ExtractionWorkers(Mixin):
    """The worker processes of a crawl (what it uses of the spider: `crawler.spiders.parts`)."""

    _extraction: Workers | None = None  # the worker processes (`start_extraction`)

    @property
    def extraction(self) -> Workers | None:
        """The extraction worker processes while the crawl runs, once started (none: FINNEWS_EXTRACTION_PROCESSES=0)."""
        return self._extraction

    def start_extraction(self) -> Workers:
        """The extraction worker processes (FINNEWS_EXTRACTION_PROCESSES), started with the crawl's start."""
        if self._extraction is None:
            self._extraction = Workers(
                self.extraction_processes,
                self.settings.getfloat("FINNEWS_EXTRACTION_TIME_LIMIT"),
                imports=(read_fetched_article.__module__, read_fetched_listing.__module__),
            )
        return self._extraction

    async def read_in_worker(
        self, reader: Callable[..., _Reading], response: TextResponse, *arguments: Any
    ) -> _Reading:
        """`reader(response class, URL, body, Content-Type, *arguments)` of a fetched page, in a worker process (the
        response's parts pickle, the response does not); `crawler.workers.WorkerLost` if the worker dies meanwhile."""
        return await self.start_extraction().run(
            reader, type(response), response.url, response.body, response.headers.get("Content-Type"), *arguments
        )

    def stop_extraction(self) -> None:
        """Stop the extraction worker processes, if any were started."""
        if self._extraction is not None:
            self._extraction.close()
            self._extraction = None
