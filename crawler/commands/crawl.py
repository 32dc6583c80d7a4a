"""`scrapy crawl`, with the exit statuses of `crawler.exitcodes`: 0 done, 1 could not start (one ERROR
line, no traceback), 3 storage failed (a recovery file was written), 4 nothing crawled, 5 blocked (a portal
answered challenge or rate-limit pages), 6 already running, 7 warnings in the crawl's report."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.commands import crawl
from scrapy.exceptions import UsageError
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from crawler.exitcodes import ExitCode, exit_code
from crawler.heap import collect_less_often
from crawler.leases import PortalsBusy

if TYPE_CHECKING:
    import argparse

    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)


class Command(crawl.Command):
    def long_desc(self) -> str:
        return (
            "Run a spider of the current project, by name. Exit status: 0 done, 1 could not start, "
            "2 bad usage, 3 storage failed (the rows not stored are in a recovery file), 4 nothing crawled, "
            "5 blocked (a portal answered challenge or rate-limit pages: finnews/blocked), "
            "6 already running (another crawl into the database holds one of the portals), "
            "7 warnings (a portal yielded nothing, or a field's coverage dropped: template drift)."
        )

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        collect_less_often()  # from here on: before the crawl's start-up imports (crawler.heap)
        super().process_options(args, opts)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give one spider: scrapy crawl portal -a site=NAME" if args else "")
        assert self.crawler_process is not None
        self.start_error: str | None = None
        self.start_status = ExitCode.CANNOT_START
        try:
            crawler = self._create_crawler(args[0])
        except KeyError as exc:  # the spider loader's "Spider not found: NAME"
            self._cannot_start(exc.args[0] if exc.args else exc)
            self.exitcode = int(ExitCode.CANNOT_START)
            return
        _on_error(self.crawler_process.crawl(crawler, **opts.spargs), self._cannot_start)
        _build_no_records_below_log_level(self.crawler_process.settings)
        jobdir = self.crawler_process.settings.get("JOBDIR")
        resumed = bool(jobdir) and Path(jobdir).is_dir() and any(Path(jobdir).iterdir())
        self.crawler_process.start()
        self.exitcode = int(self.outcome(crawler))
        if resumed and self.exitcode == ExitCode.NOTHING_CRAWLED:
            logger.warning(
                "nothing crawled: JOBDIR %s holds a job that had finished (every request of it was seen before); "
                "delete it to crawl the portals again, and give scheduled crawls none", jobdir
            )  # fmt: skip

    def outcome(self, crawler: Crawler) -> ExitCode:
        if self.start_error is not None:
            return self.start_status
        if crawler.stats is None or crawler.spider is None:
            return ExitCode.CANNOT_START
        if self.crawler_process is not None and self.crawler_process.bootstrap_failed:
            return ExitCode.CANNOT_START
        return exit_code(crawler.stats.get_stats())

    def _cannot_start(self, error: BaseException | str) -> None:
        """One ERROR line for a crawl that failed to start or crashed (the traceback at DEBUG level)."""
        self.start_error = str(error).splitlines()[0] if str(error) else type(error).__name__
        if isinstance(error, PortalsBusy):
            self.start_status = ExitCode.ALREADY_RUNNING
        logger.error("cannot crawl: %s", self.start_error)
        if isinstance(error, BaseException):
            logger.debug("cannot crawl", exc_info=error)


def _build_no_records_below_log_level(settings: BaseSettings) -> None:
    """Scrapy leaves the root logger at NOTSET and its own at DEBUG, and its handler drops what is below LOG_LEVEL:
    each DEBUG line of a crawl (two a page, "Crawled" and "Scraped") is built as a record first, for nothing (1-2 %
    of a loopback crawl's CPU). Where Scrapy's root handler is the crawl's log, the loggers start at LOG_LEVEL."""
    if settings.getbool("LOG_ENABLED") and settings.getbool("LOG_INSTALL_ROOT_HANDLER"):
        level = logging.getLevelName(settings.get("LOG_LEVEL"))
        if isinstance(level, int):
            logging.root.setLevel(level)
            logging.getLogger("scrapy").setLevel(level)


def _on_error(started: Any, report: Any) -> None:
    """Call `report(exception)` when the crawl `started` (a Task or a Deferred, by reactor) fails,
    which also keeps asyncio and Twisted from logging the exception with its traceback."""
    if isinstance(started, asyncio.Future):
        started.add_done_callback(lambda task: task.cancelled() or (task.exception() and report(task.exception())))
    elif isinstance(started, Deferred):
        started.addErrback(lambda failure: report(failure.value) if isinstance(failure, Failure) else None)
