"""Which crawl a process belongs to (its Redis key) and the scheduler it needs: `crawler.distributed`."""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING

from crawler.profiles import Profile

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.settings import BaseSettings


logger = logging.getLogger(__name__)

#: Request meta: the portal whose FINNEWS_MAX_LISTING_PAGES a listing request counts against. In a shared
#: crawl the scheduler counts it in Redis, for all processes at once (the spider counts alone otherwise).
LISTING_CAP = "finnews_listing_cap"


def configure(settings: BaseSettings) -> None:
    """Put the shared scheduler in `settings` when FINNEWS_REDIS_URL is set (a spider's `update_settings`).

    >>> from scrapy.settings import Settings
    >>> settings = Settings({"FINNEWS_REDIS_URL": ""})
    >>> configure(settings); settings["SCHEDULER"]
    'scrapy.core.scheduler.Scheduler'
    >>> settings.set("FINNEWS_REDIS_URL", "redis://127.0.0.1:6379/0"); configure(settings); settings["SCHEDULER"]
    'crawler.distributed.RedisScheduler'
    """
    if settings.get("FINNEWS_REDIS_URL"):
        settings.set("SCHEDULER", "crawler.distributed.RedisScheduler", priority="spider")


def crawl_key(spider: Spider) -> str:
    """The default key of a crawl: the spider's name, its profiles' names and a hash of their start URLs,
    which processes started with the same arguments share (`finnews:portal:dede,txjr:3f2a9c01b7de`): two
    crawls of the same profiles from different start URLs are different crawls."""
    profiles: list[Profile] = sorted(getattr(spider, "profiles", ()), key=lambda p: p.name)
    urls = "\n".join(f"{p.name} {url}" for p in profiles for url in sorted(p.start_urls))
    digest = hashlib.sha256(urls.encode("utf-8")).hexdigest()[:12]
    return ":".join(["finnews", spider.name, ",".join(p.name for p in profiles), digest])
