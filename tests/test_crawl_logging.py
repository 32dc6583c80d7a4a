"""A crawl builds no log record below its LOG_LEVEL (`crawler.commands.crawl`): Scrapy's own loggers are at DEBUG
and its handler drops what is below the level, after each record was made."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from scrapy.settings import Settings

from crawler.commands.crawl import _build_no_records_below_log_level


@pytest.fixture
def levels() -> Iterator[None]:
    loggers = (logging.root, logging.getLogger("scrapy"))
    before = [logger.level for logger in loggers]
    yield
    for logger, level in zip(loggers, before, strict=True):
        logger.setLevel(level)


@pytest.mark.parametrize(("log_level", "debug"), [("INFO", False), ("WARNING", False), ("DEBUG", True)])
def test_records_below_the_log_level_are_not_built(levels: None, log_level: str, debug: bool) -> None:
    logging.getLogger("scrapy").setLevel(logging.DEBUG)  # as Scrapy's logging configuration leaves it
    logging.root.setLevel(logging.NOTSET)
    _build_no_records_below_log_level(Settings({"LOG_LEVEL": log_level}))
    for name in ("scrapy.core.engine", "crawler.spiders.articles"):
        assert logging.getLogger(name).isEnabledFor(logging.DEBUG) is debug
        assert logging.getLogger(name).isEnabledFor(logging.WARNING)


def test_a_log_of_its_own_keeps_every_record(levels: None) -> None:
    logging.root.setLevel(logging.NOTSET)
    _build_no_records_below_log_level(Settings({"LOG_LEVEL": "INFO", "LOG_INSTALL_ROOT_HANDLER": False}))
    assert logging.getLogger("crawler.spiders.articles").isEnabledFor(logging.DEBUG)
