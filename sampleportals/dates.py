"""Beijing-time date strings of epoch timestamps, without `strftime` (pages print thousands of dates).

The network's clock is UTC+8 without daylight saving, so a timestamp's day and time of day are plain
arithmetic; the zero-padded fields of each day are computed once (`day_fields`, a bounded cache).

>>> ts = 1725334443  # 2024-09-03 11:34:03 in Beijing
>>> ymd(ts), compact(ts), short(ts), month_day(ts), hm(ts), hms(ts)
('2024-09-03', '20240903', '240903', '09-03', '11:34', '11:34:03')
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

OFFSET = 8 * 3600  # Beijing time is UTC+8 all year
DAY = 86400
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


@lru_cache(maxsize=8192)
def day_fields(day: int) -> tuple[str, str, str]:
    """("2024", "09", "03") of day number `day` (days since 1970-01-01 in Beijing time)."""
    moment = date.fromordinal(_EPOCH_ORDINAL + day)
    return f"{moment.year:04d}", f"{moment.month:02d}", f"{moment.day:02d}"


def fields(timestamp: int) -> tuple[str, str, str]:
    """Year, month and day of `timestamp` in Beijing time, zero-padded: `%Y`, `%m`, `%d`."""
    return day_fields((timestamp + OFFSET) // DAY)


def ymd(timestamp: int, separator: str = "-") -> str:
    """`2024-09-03` (`%Y-%m-%d`)."""
    year, month, day = fields(timestamp)
    return f"{year}{separator}{month}{separator}{day}"


def compact(timestamp: int) -> str:
    """`20240903` (`%Y%m%d`)."""
    year, month, day = fields(timestamp)
    return year + month + day


def short(timestamp: int) -> str:
    """`240903` (`%y%m%d`)."""
    year, month, day = fields(timestamp)
    return year[2:] + month + day


def month_day(timestamp: int, separator: str = "-") -> str:
    """`09-03` (`%m-%d`)."""
    _, month, day = fields(timestamp)
    return f"{month}{separator}{day}"


def hm(timestamp: int) -> str:
    """`11:34` (`%H:%M`)."""
    seconds = (timestamp + OFFSET) % DAY
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}"


def hms(timestamp: int) -> str:
    """`11:34:03` (`%H:%M:%S`)."""
    seconds = (timestamp + OFFSET) % DAY
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
