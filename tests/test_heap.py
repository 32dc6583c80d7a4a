"""The crawl's start-up objects are kept out of the garbage collector's walks (`crawler.heap.FrozenHeap`)."""

from __future__ import annotations

import argparse
import gc

from pydispatch.dispatcher import getAllReceivers, liveReceivers
from scrapy import Spider, signals
from scrapy.settings import Settings, default_settings
from scrapy.utils.test import get_crawler

from crawler.commands.crawl import Command
from crawler.heap import YOUNG_THRESHOLD, FrozenHeap
from crawler.settings import EXTENSIONS, EXTENSIONS_BASE


def test_the_objects_alive_when_the_spider_opens_and_when_the_engine_stops_are_frozen(unfrozen: None) -> None:
    crawler = get_crawler(Spider)
    heap = FrozenHeap.from_crawler(crawler)
    for signal in (signals.spider_opened, signals.engine_stopped):
        assert heap.freeze in liveReceivers(getAllReceivers(crawler.signals.sender, signal))
    assert gc.get_freeze_count() == 0
    heap.freeze()
    assert gc.get_freeze_count() > 1000


def test_a_crawl_collects_its_young_generation_less_often_from_its_start(unfrozen: None) -> None:
    command = Command()
    command.settings = Settings()
    parser = argparse.ArgumentParser()
    command.add_options(parser)
    gc.set_threshold(700, 10, 10)  # CPython's
    options, arguments = parser.parse_known_args(["portal", "-a", "site=x"])
    command.process_options(arguments, options)
    assert gc.get_threshold() == (YOUNG_THRESHOLD, 10, 10)


def test_a_crawl_freezes_its_heap_and_runs_neither_telnet_nor_remote_control() -> None:
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    extensions = settings.get_component_priority_dict_with_base("EXTENSIONS")
    assert "crawler.heap.FrozenHeap" in EXTENSIONS
    assert not any(name.endswith(("TelnetConsole", "RemoteControl", ".LogStats")) for name in extensions)
    assert "crawler.logstats.ProgressLog" in extensions
    kept_off = ("TelnetConsole", "RemoteControl", "LogStats")  # Scrapy's others, all of them, as Scrapy orders them
    assert {
        path: order for path, order in default_settings.EXTENSIONS_BASE.items() if not path.endswith(kept_off)
    } == EXTENSIONS_BASE
