"""Publication dates: a date or time as portals write it (full, relative, year-less) to an aware
Asia/Shanghai datetime; the date in an article URL; whether the two disagree."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from re import Match

from crawler.normalize import patterns as P
from crawler.normalize.characters import fold_width, normalize_space
from crawler.vocabulary import AFTERNOON_WORDS, AGO_HALF, AGO_UNITS, DAY_WORDS, MORNING_WORDS, NOON_WORD, SHANGHAI

EARLIEST = datetime(1995, 1, 1, tzinfo=SHANGHAI)  # anything before is a parsing accident


def parse_published_at(text: str | None, *, now: datetime, url: str | None = None) -> datetime | None:
    """The publication time in `text` as an aware Asia/Shanghai datetime (second precision), or None.

    Tries, in order: a full date with year (numeric, Chinese or ISO 8601 with offset), a relative time
    ("刚刚", "5分钟前", "昨天 14:20") and a year-less date ("09-03 11:54", "9月3日"; the year comes from
    the URL's date, else it is the latest year not putting the date more than a day after `now`).
    Naive times are Asia/Shanghai. Results before 1995 or more than a day after `now` are rejected.

    >>> now = datetime(2024, 9, 5, 12, 0, tzinfo=SHANGHAI)
    >>> parse_published_at("时间:2024-09-03 11:54 来源:千龙网", now=now).isoformat()
    '2024-09-03T11:54:00+08:00'
    >>> parse_published_at("2024-09-03T03:54:03Z", now=now).isoformat()
    '2024-09-03T11:54:03+08:00'
    >>> parse_published_at("昨天 14:20", now=now).isoformat()
    '2024-09-04T14:20:00+08:00'
    >>> parse_published_at("[09-03]", now=now).isoformat()
    '2024-09-03T00:00:00+08:00'
    >>> parse_published_at("13:00", now=now) is None, parse_published_at("比分3-1", now=now) is None
    (True, True)
    """
    if not isinstance(text, str) or not text.strip():
        return None
    ref = _reference_now(now)
    text = normalize_space(fold_width(text))
    latest = _shift(ref, 86400) or ref
    for finder in (_full_dates, _relative_dates, _year_less_dates):
        for found in finder(text, ref, url):
            if found is not None and EARLIEST <= found <= latest:
                return found.replace(microsecond=0)
    return None


def is_relative(text: str | None) -> bool:
    """Whether the time `text` gives is relative to the crawl ("3小时前", "昨天 14:20", "刚刚"): a relative form
    and no full date (`parse_published_at` reads a full date first).

    >>> is_relative("3小时前 来源:第一财经"), is_relative("昨天 14:20"), is_relative("刚刚")
    (True, True, True)
    >>> is_relative("2024-09-03 11:54"), is_relative("09-03 11:54"), is_relative(None)
    (False, False, False)
    """
    if not isinstance(text, str):
        return False
    text = normalize_space(fold_width(text))
    if P.DATE_NUMERIC.search(text) or P.DATE_CJK.search(text):
        return False
    return any(pattern.search(text) for pattern in (P.JUST_NOW, P.AGO, P.DAY_WORD))


def date_from_url(url: str) -> date | None:
    """The article date encoded in a URL path, or None.

    >>> date_from_url("http://www.example.com/html/2024/finance_0903/123.html")
    datetime.date(2024, 9, 3)
    >>> date_from_url("http://www.gov.cn/xinwen/2024-09/03/content_1.htm")
    datetime.date(2024, 9, 3)
    >>> date_from_url("http://www.example.com/a/20241399/") is None
    True
    """
    if not isinstance(url, str):
        return None
    path = P.URL_HOST.sub("", url.strip(), count=1)
    for pattern in P.URL_DATES:
        for match in pattern.finditer(path):
            try:
                found = date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                continue
            if found.year >= EARLIEST.year:
                return found
    return None


def dates_disagree(page: datetime | None, url_day: date | None, *, tolerance_days: int = 1) -> bool:
    """True when both dates are known and the page's publication day (in Asia/Shanghai) is more than
    `tolerance_days` days away from the day in its URL ("/a/20240903/", see `date_from_url`).

    A naive `page` is Shanghai time, an aware one is converted; unknown (None, garbage) means no
    disagreement. Exactly `tolerance_days` apart is still agreement; a negative tolerance counts as 0.

    >>> dates_disagree(datetime(2024, 9, 4, 23, 59, tzinfo=SHANGHAI), date(2024, 9, 3))
    False
    >>> dates_disagree(datetime(2024, 9, 5, 0, 0, tzinfo=SHANGHAI), date(2024, 9, 3))
    True
    >>> dates_disagree(datetime(2024, 9, 2, 16, 0, tzinfo=UTC), date(2024, 9, 3), tolerance_days=0)
    False
    >>> dates_disagree(None, date(2024, 9, 3))
    False
    """
    page_day, url_date = _shanghai_day(page), _shanghai_day(url_day)
    if page_day is None or url_date is None:
        return False
    if isinstance(tolerance_days, bool) or not isinstance(tolerance_days, int | float):
        tolerance_days = 1
    return abs((page_day - url_date).days) > max(tolerance_days, 0)


def _shanghai_day(value: object) -> date | None:
    """The Asia/Shanghai calendar day of a datetime (naive = Shanghai) or a date; None for anything else."""
    if isinstance(value, datetime):
        try:
            return value.date() if value.utcoffset() is None else value.astimezone(SHANGHAI).date()
        except (OverflowError, ValueError, TypeError):
            return None
    return value if isinstance(value, date) else None


def _reference_now(now: object) -> datetime:
    """`now` as an aware Shanghai datetime; a naive one is Shanghai time; garbage means the clock."""
    if isinstance(now, datetime):
        try:
            return now.replace(tzinfo=SHANGHAI) if now.tzinfo is None else now.astimezone(SHANGHAI)
        except (OverflowError, ValueError):
            pass
    return datetime.now(SHANGHAI)


def _full_dates(text: str, ref: datetime, url: str | None) -> Iterator[datetime | None]:
    matches = [*P.DATE_NUMERIC.finditer(text), *P.DATE_CJK.finditer(text)]
    for match in sorted(matches, key=Match.start):
        yield _build_datetime(int(match["y"]), match, text)


def _relative_dates(text: str, ref: datetime, url: str | None) -> Iterator[datetime | None]:
    if P.JUST_NOW.search(text):
        yield ref
    ago = P.AGO.search(text)
    if ago:
        count = 0.5 if ago["n"] == AGO_HALF else int(ago["n"])
        yield _shift(ref, -count * AGO_UNITS[ago["unit"]])
    word = P.DAY_WORD.search(text)
    if word:
        day = _shift(ref, -86400 * DAY_WORDS[word.group(0)])
        yield _at_time(day and day.date(), P.TIME_AFTER.match(text, word.end()))


def _year_less_dates(text: str, ref: datetime, url: str | None) -> Iterator[datetime | None]:
    url_date = date_from_url(url) if url else None
    for match in P.MONTH_DAY_CJK.finditer(text):
        yield _infer_year(match, P.TIME_AFTER.match(text, match.end()), ref, url_date)
    for match in P.MONTH_DAY_NUMERIC.finditer(text):
        clock = P.TIME_AFTER.match(text, match.end())
        if clock and clock["t"] and clock["t"] != "T":  # "09-03 11:54": a space, then a time
            yield _infer_year(match, clock, ref, url_date)
        elif (
            len(match[0]) == 5
            and not text[: match.start()].strip(" [(（【")
            and not text[match.end() :].strip(" ])）】")
        ):
            yield _infer_year(match, None, ref, url_date)  # "09-03", "[09-03]" alone: a listing's date, not "3-1"


def _infer_year(match: Match[str], clock: Match[str] | None, ref: datetime, url_date: date | None) -> datetime | None:
    month, day = int(match["m"]), int(match["d"])
    if url_date is not None:
        return _at_time(_date_or_none(url_date.year, month, day), clock)
    latest = _shift(ref, 86400) or ref
    for year in range(ref.year, ref.year - 8, -1):  # Feb 29 may need to go back a few years
        found = _at_time(_date_or_none(year, month, day), clock)
        if found is not None and found <= latest:
            return found
    return None


def _build_datetime(year: int, match: Match[str], text: str) -> datetime | None:
    clock = P.TIME_AFTER.match(text, match.end())
    found = _at_time(_date_or_none(year, int(match["m"]), int(match["d"])), clock)
    if found is None or clock is None or clock["t"] != "T" or not clock["tz"]:
        return found
    offset = _utc_offset(clock["tz"])
    if offset is None:
        return found
    return found.replace(tzinfo=offset).astimezone(SHANGHAI)


def _date_or_none(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _at_time(day: date | None, clock: Match[str] | None) -> datetime | None:
    """`day` at the clock time (midnight without one, or with an impossible one), Shanghai."""
    if day is None:
        return None
    hour = minute = second = 0
    if clock is not None:
        hour, minute = _hour(clock), int(clock["M"])
        second = int(clock["S"] or clock["S2"] or 0)
        if hour > 23 or minute > 59 or second > 59:
            hour = minute = second = 0
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=SHANGHAI)


def _hour(clock: Match[str]) -> int:
    """The clock's hour of the day, a 12-hour clock's ("下午3:05", "3:05 PM") made 24-hour (`vocabulary.AFTERNOON_WORDS`)."""
    hour, half, ampm = int(clock["H"]), clock["half"], (clock["ampm"] or "").lower()
    if hour <= 12 and (half in AFTERNOON_WORDS or ampm == "p" or (half == NOON_WORD and hour < 11)):
        return hour % 12 + 12
    if hour == 12 and (half in MORNING_WORDS or ampm == "a"):
        return 0
    return hour


def _utc_offset(text: str) -> timezone | None:
    if text == "Z":
        return UTC
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 14 or minutes > 59:
        return None
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if text[0] == "-" else delta)


def _shift(ref: datetime, seconds: float) -> datetime | None:
    try:
        return ref + timedelta(seconds=seconds)
    except OverflowError:
        return None
