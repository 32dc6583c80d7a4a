"""Log lines of finnews crawls: a dropped item is one short INFO line with its reason, not a dump."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.http import Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from twisted.python.failure import Failure


class FinnewsLogFormatter(LogFormatter):
    """Reprints are expected: their drop reason (with both URLs) says all, at INFO."""

    def dropped(
        self, item: Any, exception: BaseException, response: Response | Failure | None, spider: Spider
    ) -> LogFormatterResult:
        return {"level": logging.INFO, "msg": "Dropped: %(reason)s", "args": {"reason": exception}}
