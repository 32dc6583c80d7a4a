"""Pure text normalisers: raw strings found on portal pages in, the clean values of `docs/contract.md` out.

Every public function accepts anything (None, garbage, non-strings) and returns the clean value or
None; none of them raises. They are cheap: a whole item (title, date, source, author, views and a
2,000-character body) normalises in well under a millisecond. The regexes live in
`pipelines.patterns`, each with an example of what it matches.

Nothing here imports Scrapy; `NormalizePipeline` calls these functions field by field.
"""

from __future__ import annotations

import functools
import html
import logging
import os
import tomllib
import unicodedata
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from html.entities import html5
from importlib import resources
from re import Match
from zoneinfo import ZoneInfo

from pipelines import patterns as P

__all__ = [
    "SHANGHAI",
    "TitleSuffixLearner",
    "canonical_source",
    "clean_body",
    "clean_person",
    "clean_source",
    "clean_title",
    "collapse_repeat",
    "common_title_suffix",
    "date_from_url",
    "dates_disagree",
    "find_editor",
    "fold_width",
    "is_boilerplate",
    "load_source_aliases",
    "normalize_space",
    "parse_published_at",
    "parse_views",
    "repair_entities",
    "split_people",
]

logger = logging.getLogger(__name__)

SHANGHAI = ZoneInfo("Asia/Shanghai")
EARLIEST = datetime(1995, 1, 1, tzinfo=SHANGHAI)  # anything before is a parsing accident
MAX_VIEWS = 1_000_000_000  # 10 亿: more is a counter bug, not an audience
MIN_REPEAT_CHARS = 30  # a repeated block shorter than this may be legitimate (a repeated short line)
_FIXPOINT_ROUNDS = 8
MAX_SUFFIX_CHARS = 40  # a <title> site suffix ("_天下金融网", " - 新浪财经") is never longer than this


# --------------------------------------------------------------------------------------------------
# Characters and whitespace
# --------------------------------------------------------------------------------------------------


def fold_width(text: str) -> str:
    """Turn full-width ASCII (digits, letters, punctuation) and the ideographic space into half-width.

    Meant for dates, counts and labels, not for article bodies (which keep the page's punctuation).

    >>> fold_width("２０２４－０９－０３　１１：５４")
    '2024-09-03 11:54'
    >>> fold_width("来源：千龙网")
    '来源:千龙网'
    """
    if not isinstance(text, str):
        return ""
    return text.translate(P.WIDTH_TABLE) if P.HAS_WIDE.search(text) else text


def normalize_space(text: str) -> str:
    """One clean line: invisible characters removed, whitespace runs (incl. U+3000, nbsp, tabs, newlines)
    collapsed to one ASCII space, stripped, Unicode NFC.

    >>> normalize_space("\\u3000\\u3000西藏\\xa0 自治区\\u200b位于\\t祖国 ")
    '西藏 自治区位于 祖国'
    """
    if not isinstance(text, str):
        return ""
    if P.HAS_INVISIBLE.search(text):
        text = text.translate(P.INVISIBLE_TABLE)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())


def repair_entities(text: str) -> str:
    """Decode HTML entities, also when the CMS ate their "&": "mdash;mdash;" -> "——".

    Named entities with "&" decode per HTML5; without "&" only a safe list does (dashes, quotes,
    ellipsis, spaces, amp, middot) and only when not glued to a preceding letter, so "salt;" or "a;b"
    stay as they are; names no English word ends with also after a letter ("Anbsp;股" -> "A 股"). Space entities become an ASCII space. Idempotent.

    >>> repair_entities("风储项目mdash;mdash;西藏")
    '风储项目——西藏'
    >>> repair_entities("hellip;hellip;")
    '……'
    >>> repair_entities("AT&amp;amp;T &#8212; #8212; &#x2014; nbsp;x")
    'AT&T — — —  x'
    >>> repair_entities("http://x.cn/?nbsp=1 salt; amp quote; a;b lt;")
    'http://x.cn/?nbsp=1 salt; amp quote; a;b lt;'
    """
    if not isinstance(text, str):
        return ""
    text = P.GLUED_ENTITY.sub(lambda m: "&" + m[1] + ";", text)
    # Every replacement is shorter than what it replaces, so this loop ends; it makes the function
    # idempotent for double escapes such as "&#38;mdash;".
    for _ in range(len(text)):
        if ";" not in text:
            break
        repaired = P.ENTITY.sub(_decode_entity, text)
        if repaired == text:
            break
        text = repaired
    return text


def _decode_entity(match: Match[str]) -> str:
    with_amp = match["amp"] is not None
    name = match["name"]
    if name is not None:
        if name in P.SPACE_ENTITIES:
            return " "
        value = html5.get(name + ";") if with_amp else P.BARE_ENTITIES.get(name)
        if value is None:
            # "&amp;foo;" is a double-escaped "&foo;"; anything else is left alone.
            return "&" + name + ";" if with_amp and len(match["amp"]) > 1 else match.group(0)
        return _safe_char(value)
    code = int(match["dec"]) if match["dec"] is not None else int(match["hex"], 16)
    if not with_amp and code < 0x20:
        return match.group(0)
    return _safe_char(html.unescape(f"&#{code};"))


def _safe_char(value: str) -> str:
    """A decoded entity as it may appear in clean text: whitespace -> " ", invisibles dropped, NFC."""
    if value.isspace():
        return " "
    return unicodedata.normalize("NFC", value.translate(P.INVISIBLE_TABLE))


def _clean_line(text: str) -> str:
    """normalize_space + repair_entities, in the order that makes the result a fixpoint of both."""
    text = normalize_space(text)
    repaired = repair_entities(text)
    return text if repaired == text else normalize_space(repaired)


def _soft_clean(text: str) -> str:
    """Tags dropped, width folded, entities repaired, invisibles removed, NFC, but whitespace runs kept
    (as single spaces per character) so that "2+ spaces" can still separate fields."""
    if "<" in text:
        text = P.TAG.sub("", text)
    text = repair_entities(fold_width(text))
    if P.HAS_INVISIBLE.search(text):
        text = text.translate(P.INVISIBLE_TABLE)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return P.ANY_SPACE.sub(" ", text).strip()


def _until_stable(step: Callable[[str], str], text: str) -> str:
    """Apply `step` until the text stops changing (a few rounds at most), so the result is idempotent."""
    for _ in range(_FIXPOINT_ROUNDS):
        again = step(text)
        if again == text:
            break
        text = again
    return text


# --------------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------------


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
        count = 0.5 if ago["n"] == "半" else int(ago["n"])
        yield _shift(ref, -count * P.AGO_SECONDS[ago["unit"]])
    word = P.DAY_WORD.search(text)
    if word:
        day = _shift(ref, -86400 * P.DAY_WORD_OFFSET[word.group(0)])
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
        hour, minute = int(clock["H"]), int(clock["M"])
        second = int(clock["S"] or clock["S2"] or 0)
        if hour > 23 or minute > 59 or second > 59:
            hour = minute = second = 0
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=SHANGHAI)


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


# --------------------------------------------------------------------------------------------------
# Views
# --------------------------------------------------------------------------------------------------


def parse_views(text: str | None) -> tuple[int | None, bool]:
    """The 阅读/点击 count in `text` and whether it is a lower bound ("10万+"), or (None, False).

    Tries a CMS counter script, then a labelled count, then "<n>次", then a bare number.

    >>> parse_views("阅读量:11003")
    (11003, False)
    >>> parse_views("1.2万")
    (12000, False)
    >>> parse_views("10万+")
    (100000, True)
    >>> parse_views("$('#hits').html('11003');")
    (11003, False)
    >>> parse_views("阅读全文")
    (None, False)
    """
    if not isinstance(text, str):
        return None, False
    text = normalize_space(fold_width(text))
    if not P.DIGIT.search(text):
        return None, False
    for pattern in P.VIEWS_PATTERNS:
        match = pattern.search(text)
        if match:
            return _views_value(match)
    return None, False


def _views_value(match: Match[str]) -> tuple[int | None, bool]:
    digits = match["num"].replace(",", "")
    unit = (match["unit"] or "").lower()
    if match["neg"] or len(digits) > 15 or ("." in digits and not unit):
        return None, False
    try:
        count = int(Decimal(digits) * P.VIEWS_UNITS[unit])
    except (InvalidOperation, KeyError):
        return None, False
    if count > MAX_VIEWS:
        return None, False
    return count, match["plus"] is not None


# --------------------------------------------------------------------------------------------------
# Source, author, editor
# --------------------------------------------------------------------------------------------------


def clean_source(text: str | None, own_names: Iterable[str] = ()) -> str | None:
    """The 来源 outlet: labels stripped, what follows cut, link residue dropped; None for "no external
    source" (网络, 本站, 互联网, 佚名, 未知, 原创, ... or one of the portal's `own_names`).

    >>> clean_source('来源:<a href="http://www.qianlong.com/">千龙网</a>   阅读量:11003')
    '千龙网'
    >>> clean_source("文章来源：中国证券报·中证网 作者:张三")
    '中国证券报·中证网'
    >>> clean_source("来源:天下金融网", own_names=["天下金融网"]) is None
    True
    """
    if not isinstance(text, str):
        return None
    source = _until_stable(_source_once, text)
    if not source or not any(c.isalpha() for c in source):
        return None
    key = source.casefold()
    if key in P.NULL_SOURCES or key in _name_keys(own_names):
        return None
    return source


def _source_once(text: str) -> str:
    text = _soft_clean(text)
    label = P.SOURCE_LABEL.search(text)
    if label:
        text = text[label.end() :]
    stop = P.SOURCE_STOP.search(text)
    if stop:
        text = text[: stop.start()]
    return normalize_space(_strip_residue(text))


def _name_keys(names: Iterable[str]) -> set[str]:
    if isinstance(names, str):
        names = [names]
    try:
        return {normalize_space(fold_width(n)).casefold() for n in names if isinstance(n, str)}
    except TypeError:
        return set()


_EDGE_CHARS = " \"'“”‘’:：,，.。;；、|/\\-—–_·•*#@!！?？~=+…"
_PAIRS = {"(": ")", "（": "）", "[": "]", "【": "】", "〔": "〕", "<": ">", "「": "」", "『": "』"}
_CLOSERS = {close: open_ for open_, close in _PAIRS.items()}


def _strip_residue(text: str) -> str:
    """Drop quotes, empty brackets, edge punctuation, wrapping and unbalanced edge brackets.

    >>> _strip_residue("[千龙网]")
    '千龙网'
    >>> _strip_residue("人民网(北京))。")
    '人民网(北京)'
    """
    text = text.replace('"', "").replace("“", "").replace("”", "")
    text = P.EMPTY_BRACKETS.sub("", text)
    while True:
        before = text
        text = text.strip(_EDGE_CHARS)
        if not text:
            return text
        first, last = text[0], text[-1]
        if first in _PAIRS and last == _PAIRS[first] and first not in text[1:-1] and last not in text[1:-1]:
            text = text[1:-1]
        elif last in _CLOSERS and text.count(last) > text.count(_CLOSERS[last]):
            text = text[:-1]
        elif first in _PAIRS and text.count(first) > text.count(_PAIRS[first]):
            text = text[1:]
        if text == before:
            return text


def clean_person(text: str | None) -> str | None:
    """Author or editor names only, several joined by "、"; None if no name is left.

    >>> clean_person("本报记者 张三 通讯员 李四")
    '张三、李四'
    >>> clean_person("(责任编辑:孙悦)")
    '孙悦'
    >>> clean_person("作者:张三 来源:新华社 2024-09-03")
    '张三'
    >>> clean_person("佚名") is None
    True
    >>> clean_person("责任编辑：王晓_NF5619")
    '王晓'
    """
    if not isinstance(text, str):
        return None
    return _until_stable(_person_once, text) or None


def _person_once(text: str) -> str:
    text = normalize_space(_soft_clean(text))
    if P.PERSON_STOP.match(text.lstrip(" ([【")):
        # "来源:新华社 作者:张三": skip the leading non-name field up to the first role label.
        label = P.PERSON_LABEL.search(text)
        if not label:
            return ""
        text = text[label.start() :]
    other_role = P.AUTHOR_MARK if P.EDITOR_LEAD.match(text) else P.EDITOR_MARK
    end = len(text)
    for pattern in (P.PERSON_STOP, other_role):
        stop = pattern.search(text)
        if stop and stop.start() < end:
            end = stop.start()
    text = P.PERSON_LABEL.sub("、", text[:end])
    text = P.PERSON_BRACKETS.sub("、", text)
    return "、".join(_split_names(text))


def _split_names(text: str) -> list[str]:
    """Names out of a separator-delimited string; only space-separated Latin words are re-joined.

    >>> _split_names("张三,李四 John Smith、王五 北京报道 王晓_NF5619")
    ['张三', '李四', 'John Smith', '王五', '王晓']
    >>> _split_names("陆 洋、刘文丽 PF117 第一财经 杜川")
    ['陆洋', '刘文丽', '杜川']
    """
    parts = P.NAME_SPLIT.split(text)
    names: list[list[str]] = []  # each name as its words
    last_kept = -2
    for index in range(0, len(parts), 2):
        token = P.STAFF_CODE.sub("", parts[index]).strip(_EDGE_CHARS)
        if not token or not any(c.isalpha() for c in token) or P.NAME_DROP.search(token):
            continue
        if token.casefold() in P.NULL_PERSONS or P.STAFF_TOKEN.match(token):
            continue
        joined_by_space = index - 2 == last_kept and parts[index - 1].isspace()
        if joined_by_space and P.LATIN_WORD.match(token) and P.LATIN_WORD.match(names[-1][-1]):
            names[-1].append(token)
        elif joined_by_space and P.ONE_HAN.match(token) and len(names[-1]) == 1 and P.ONE_HAN.match(names[-1][0]):
            names[-1][0] += token  # "陆 洋": a two-character name spaced out
        else:
            names.append([token])
        last_kept = index
    joined = (" ".join(words) for words in names)
    return [name for name in joined if name.casefold() not in P.NULL_PERSONS]


def split_people(text: str | None) -> list[str]:
    """The names of a person field as a list: exactly the names `clean_person` joins with "、", in order
    (so `"、".join(split_people(x)) == clean_person(x)`); raw fields are cleaned first. [] if none.

    >>> split_people("张三、李四")
    ['张三', '李四']
    >>> split_people("本报记者 张三 通讯员 John Smith")
    ['张三', 'John Smith']
    >>> split_people(None)
    []
    """
    people = clean_person(text)
    return people.split("、") if people else []


def find_editor(text: str | None) -> str | None:
    """The name in a 责任编辑 mention anywhere in `text` ("(责任编辑:孙悦)", "编辑:孙悦"), or None.

    >>> find_editor("……照亮新天地。【责任编辑：孙悦】")
    '孙悦'
    >>> find_editor("编辑部主任孙悦") is None
    True
    """
    if not isinstance(text, str):
        return None
    text = _soft_clean(text)
    mention = P.EDITOR_MENTION.search(text) or P.EDITOR_PLAIN.search(text)
    if not mention:
        return None
    return clean_person("责任编辑:" + mention["name"])


# --------------------------------------------------------------------------------------------------
# Canonical outlets (alias table: pipelines/sources.toml)
# --------------------------------------------------------------------------------------------------


def canonical_source(name: str | None) -> str | None:
    """The canonical outlet for a cleaned 来源 name, from the alias table `pipelines/sources.toml`
    ("中证网" -> "中国证券报·中证网", "新华网" -> "新华社"). Unknown names come back as given (whitespace
    normalised); None, empty or non-text gives None. Matching ignores width, case, spaces, 《》 marks
    and the joiner between two names ("·", "•", "-", "—"). Idempotent.

    >>> canonical_source("中证网（中国证券报）")
    '中国证券报·中证网'
    >>> canonical_source(" 新华社客户端 ")
    '新华社'
    >>> canonical_source("千龙网")
    '千龙网'
    >>> canonical_source("某某财经网")
    '某某财经网'
    """
    if not isinstance(name, str):
        return None
    name = normalize_space(name)
    if not name:
        return None
    return _shipped_source_aliases().get(_source_key(name), name)


def load_source_aliases(path: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """The alias table of a sources TOML file (default: the shipped `pipelines/sources.toml`) as
    {matching key: canonical name}. Raises ValueError (with the offending entry) for a file that is
    not TOML, has no [outlets] table, a name that is not text or a name claimed by two outlets.

    >>> table = load_source_aliases()
    >>> table[_source_key("上证报")]
    '上海证券报'
    """
    try:
        if path is None:
            text = resources.files("pipelines").joinpath("sources.toml").read_text(encoding="utf-8")
        else:
            with open(path, encoding="utf-8") as file:
                text = file.read()
        outlets = tomllib.loads(text).get("outlets")
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"sources file is not valid TOML: {exc}") from exc
    if not isinstance(outlets, dict):
        raise ValueError("sources file has no [outlets] table")
    table: dict[str, str] = {}
    for canonical, aliases in outlets.items():
        if not isinstance(aliases, list) or not all(isinstance(alias, str) for alias in aliases):
            raise ValueError(f"outlet {canonical!r}: aliases must be a list of strings")
        for alias in [canonical, *aliases]:
            key = _source_key(normalize_space(alias))
            if not key:
                raise ValueError(f"outlet {canonical!r}: empty name {alias!r}")
            if table.setdefault(key, canonical) != canonical:
                raise ValueError(f"{alias!r} is listed for both {table[key]!r} and {canonical!r}")
    return table


@functools.cache
def _shipped_source_aliases() -> Mapping[str, str]:
    """The shipped alias table, read once; an unreadable table is logged and maps nothing."""
    try:
        return load_source_aliases()
    except (OSError, ValueError) as exc:
        logger.error("pipelines/sources.toml not loaded, sources stay as found: %s", exc)
        return {}


def _source_key(name: str) -> str:
    """The matching key of an outlet name already whitespace-normalised: width folded, case folded,
    joiners unified to "·", spaces and 《》 dropped.

    >>> _source_key("中国证券报 — 中证网") == _source_key("《中国证券报》•中证网")
    True
    """
    key = fold_width(name).casefold()
    return P.SOURCE_KEY_DROP.sub("", P.SOURCE_KEY_JOINER.sub("·", key))


# --------------------------------------------------------------------------------------------------
# Titles
# --------------------------------------------------------------------------------------------------


def clean_title(text: str | None, site_names: Iterable[str] = ()) -> str | None:
    """The headline: a trailing site-name suffix removed, whitespace collapsed, NFC; never truncated.

    A suffix is removed only when it is one of `site_names`, given either as the bare name
    ("天下金融网": removed after any separator) or with its separator ("_天下金融网").

    >>> clean_title("对口援藏30年|援藏路上的坚守与创新_天下金融网", ["天下金融网"])
    '对口援藏30年|援藏路上的坚守与创新'
    >>> clean_title("【快讯】A股三大指数收涨 - 新浪财经", [" - 新浪财经"])
    '【快讯】A股三大指数收涨'
    >>> clean_title("关于天下金融网", ["天下金融网"])
    '关于天下金融网'
    """
    if not isinstance(text, str):
        return None
    title = _clean_line(text)
    suffixes = _site_suffixes(site_names)
    changed = True
    while changed and title:
        changed = False
        for separator, name in suffixes:
            shorter = _without_suffix(title, separator, name)
            if shorter:
                title, changed = shorter, True
    return title or None


def _site_suffixes(site_names: Iterable[str]) -> list[tuple[str, str]]:
    """(separator, name) pairs; the separator is "" for a bare name."""
    if isinstance(site_names, str):
        site_names = [site_names]
    suffixes: list[tuple[str, str]] = []
    try:
        for raw in site_names:
            if not isinstance(raw, str):
                continue
            suffix = _clean_line(raw)
            name = suffix.lstrip(P.TITLE_SEPARATORS + " ")
            if name:
                suffixes.append((suffix[: len(suffix) - len(name)].strip(), name))
    except TypeError:
        return []
    return suffixes


def _without_suffix(title: str, separator: str, name: str) -> str | None:
    if not title.endswith(name) or len(title) == len(name):
        return None
    head = title[: -len(name)].rstrip()
    if separator:
        if not head.endswith(separator):
            return None
        head = head[: -len(separator)]
    elif not head or head[-1] not in P.TITLE_SEPARATORS:
        return None
    head = head.rstrip(P.TITLE_SEPARATORS + " ")
    return head or None


def common_title_suffix(titles: Iterable[str], *, min_share: float = 0.5) -> str | None:
    """The separator + site-name suffix shared by most `<title>` texts of a site, e.g. "_天下金融网".

    A suffix counts when more than `min_share` of the titles (and at least two) end with it; the most
    shared wins, the longest among equals. Feed the result to `clean_title` as a site name.

    >>> common_title_suffix(["援藏30年_天下金融网", "C919承运旅客突破50万_天下金融网", "巴黎残奥会|冠军_天下金融网"])
    '_天下金融网'
    >>> common_title_suffix(["甲_乙", "丙_丁"]) is None
    True
    """
    counts: Counter[str] = Counter()
    total = 0
    try:
        for raw in titles:
            if not isinstance(raw, str):
                continue
            title = _clean_line(raw)
            if not title:
                continue
            total += 1
            counts.update(_suffix_candidates(title))
    except TypeError:
        return None
    return _most_shared_suffix(counts.items(), total, min_share)


def _most_shared_suffix(
    counts: Iterable[tuple[str, int]], total: int, min_share: float, accept: Callable[[str], bool] | None = None
) -> str | None:
    """The suffix ending the most of `total` titles (at least two, more than `min_share` of them; the
    longest among equals, then the last in code-point order) that `accept` allows, or None.
    `counts` holds (suffix, number of titles ending with it) pairs."""
    best: tuple[int, int, str] | None = None
    for suffix, count in counts:
        rank = (count, len(suffix), suffix)
        qualifies = count >= 2 and count > total * min_share and (best is None or rank > best)
        if qualifies and (accept is None or accept(suffix)):
            best = rank
    return best[2] if best else None


def _suffix_candidates(title: str) -> set[str]:
    """Every separator + tail of a clean `title` that could be a site suffix ("_天下金融网", "|冠军_天下金融网").

    >>> sorted(_suffix_candidates("巴黎残奥会|冠军_天下金融网"))
    ['_天下金融网', '|冠军_天下金融网']
    """
    found = set()
    # A candidate starts at most MAX_SUFFIX_CHARS + 1 characters before the end: scan only the tail.
    for match in P.TITLE_SEPARATOR_RUN.finditer(title, max(0, len(title) - 2 * MAX_SUFFIX_CHARS)):
        suffix = title[match.start() :].strip()
        if match.start() > 0 and match.end() < len(title) and len(suffix) <= MAX_SUFFIX_CHARS:
            found.add(suffix)
    return found


class TitleSuffixLearner:
    """Learns each site's `<title>` suffix ("_天下金融网", "|天下金融网", " - 新浪财经") from its pages.

    `observe` records the `<title>` texts of a site (cleaned; the `max_titles` most recent distinct
    ones are kept, a title seen again only counts once). Once `min_titles` distinct titles were seen,
    `suffix` is the separator + name that `common_title_suffix` finds on more than `min_share` of them,
    provided its name has at least two characters and a letter (so "_2" of paginated titles is no site
    name); `strip` removes it from titles with `clean_title`. Headlines without a shared separator +
    name teach nothing: a shared last character ("A股收涨", "港股收涨") or a word after differing
    separators ("降准_利好", "降息-利好") never makes a suffix. Pure and deterministic: no I/O, no clock.

    >>> learner = TitleSuffixLearner()
    >>> for headline in ["援藏30年", "C919承运旅客突破50万", "巴黎残奥会|冠军", "A股收涨", "金价新高"]:
    ...     learner.observe("txjr", headline + "_天下金融网")
    >>> learner.suffix("txjr")
    '_天下金融网'
    >>> learner.strip("txjr", "央行降准_天下金融网")
    '央行降准'
    >>> learner.strip("other", "央行降准_天下金融网")
    '央行降准_天下金融网'
    """

    def __init__(self, *, min_titles: int = 5, max_titles: int = 200, min_share: float = 0.6) -> None:
        if not 2 <= min_titles <= max_titles:
            raise ValueError(f"need 2 <= min_titles <= max_titles, got {min_titles} and {max_titles}")
        if not 0.5 <= min_share < 1:
            raise ValueError(f"min_share must be in [0.5, 1), got {min_share}")
        self.min_titles = min_titles
        self.max_titles = max_titles
        self.min_share = min_share
        self._titles: dict[str, OrderedDict[str, frozenset[str]]] = {}  # site -> title key -> candidates
        self._counts: dict[str, Counter[str]] = {}  # site -> candidate -> titles ending with it
        self._shared: dict[str, set[str]] = {}  # site -> candidates of two titles or more (the only winners)
        self._learnt: dict[str, str | None] = {}  # site -> suffix, until the next observe

    def observe(self, site: str, title_tag: str | None) -> None:
        """Record one `<title>` text of `site`; non-text or empty titles are ignored."""
        if not isinstance(site, str) or not isinstance(title_tag, str):
            return
        title = _clean_line(title_tag)
        if not title:
            return
        titles = self._titles.setdefault(site, OrderedDict())
        key = _title_key(title)
        if key in titles:
            titles.move_to_end(key)
            return
        candidates = frozenset(_suffix_candidates(title))
        titles[key] = candidates
        counts = self._counts.setdefault(site, Counter())
        shared = self._shared.setdefault(site, set())
        for candidate in candidates:
            counts[candidate] += 1
            if counts[candidate] == 2:
                shared.add(candidate)
        if len(titles) > self.max_titles:
            for old in titles.popitem(last=False)[1]:
                counts[old] -= 1
                if counts[old] < 2:
                    shared.discard(old)
                    if not counts[old]:
                        del counts[old]
        self._learnt.pop(site, None)

    def suffix(self, site: str) -> str | None:
        """The learnt suffix of `site` ("_天下金融网"), or None while there is no clear one."""
        if not isinstance(site, str):
            return None
        if site not in self._learnt:
            titles = self._titles.get(site)
            learnt = None
            if titles is not None and len(titles) >= self.min_titles:
                counts = self._counts[site]
                shared = ((candidate, counts[candidate]) for candidate in self._shared[site])
                learnt = _most_shared_suffix(shared, len(titles), self.min_share, _names_a_site)
            self._learnt[site] = learnt
        return self._learnt[site]

    def strip(self, site: str, title: str | None, site_names: Iterable[str] = ()) -> str | None:
        """`clean_title(title, [learnt suffix, *site_names])`: the headline without the site's suffix.

        The suffix is removed only with the separator it was learnt with ("_天下金融网" leaves
        "标题-天下金融网" alone); `site_names` (e.g. the profile's site name) are removed as usual.
        """
        learnt = self.suffix(site)
        if learnt is None:
            return clean_title(title, site_names)
        if isinstance(site_names, str):
            site_names = [site_names]
        try:
            names = [learnt, *site_names]
        except TypeError:
            names = [learnt]
        return clean_title(title, names)


def _title_key(title: str) -> str:
    """What tells two titles apart, in bounded memory: a long title keeps only its start and end."""
    edge = 2 * MAX_SUFFIX_CHARS
    return title if len(title) <= 2 * edge else title[:edge] + title[-edge:]


def _names_a_site(suffix: str) -> bool:
    """A learnt suffix must name something: two characters or more after the separator, one a letter.

    >>> _names_a_site("-金融观察网"), _names_a_site("_2"), _names_a_site("-A")
    (True, False, False)
    """
    name = suffix.lstrip(P.TITLE_SEPARATORS + " ")
    return len(name) >= 2 and any(c.isalpha() for c in name)


# --------------------------------------------------------------------------------------------------
# Bodies
# --------------------------------------------------------------------------------------------------


def is_boilerplate(line: str) -> bool:
    """True for page furniture lines (声明, 责任编辑, 上一篇/下一篇, 相关推荐, 扫一扫, 分享到, 点击进入专题,
    本文来源, 【打印】【关闭】...), False for article text, even text mentioning those words mid-sentence.

    >>> is_boilerplate("声明:以上内容为本网站转自其它媒体,不代表本网观点。")
    True
    >>> is_boilerplate("【打印】【关闭】")
    True
    >>> is_boilerplate("公司发布声明称将回购股份。")
    False
    """
    if not isinstance(line, str):
        return False
    return _is_boilerplate_line(normalize_space(fold_width(line)))


def _is_boilerplate_line(text: str) -> bool:
    """is_boilerplate for a line already width-folded and whitespace-normalised."""
    if not text:
        return False
    if P.BOILERPLATE_LINE.match(text):
        return True
    if len(text) > P.NAV_LINE_MAX:
        return False
    words = [word for word in P.NAV_SPLIT.split(text) if word]
    return bool(words) and all(word in P.NAV_WORDS for word in words)


def collapse_repeat(paragraphs: list[str]) -> list[str]:
    """Keep a body pasted twice once: an adjacent repeated block of paragraphs (compared after
    normalize_space) loses its second copy, largest block first, until none is left. Blocks shorter
    than MIN_REPEAT_CHARS characters are legitimate repetition and stay.

    >>> a = "1994年,中央第三次西藏工作座谈会作出对口援藏重大决策。"
    >>> b, c = "新质生产力引领医疗援藏,远程手术示范教学落地。", "清洁能源开发助力民生援藏。"
    >>> collapse_repeat([a, b, c, a, b, c]) == [a, b, c]
    True
    >>> collapse_repeat([a, b, c, b, c]) == [a, b, c]
    True
    >>> collapse_repeat(["……", a, "……", b])
    ['……', '1994年,中央第三次西藏工作座谈会作出对口援藏重大决策。', '……', '新质生产力引领医疗援藏,远程手术示范教学落地。']
    """
    try:
        kept = [p for p in paragraphs if isinstance(p, str)]
    except TypeError:
        return []
    return _collapse(kept, [normalize_space(p) for p in kept])


def _collapse(kept: list[str], keys: list[str]) -> list[str]:
    """collapse_repeat on `kept` compared by `keys` (one per item); both lists are consumed."""
    while True:
        block = _largest_repeat(keys)
        if block is None:
            return kept
        start, size = block
        del kept[start : start + size]
        del keys[start : start + size]


def _largest_repeat(keys: list[str]) -> tuple[int, int] | None:
    """(start, size) of the largest second copy of an adjacent repeated block, earliest first."""
    positions: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        positions.setdefault(key, []).append(index)
    best: tuple[int, int] | None = None
    for where in positions.values():
        for a, first in enumerate(where[:64]):
            for second in where[a + 1 : 65]:
                size = second - first
                if best is not None and (size < best[1] or (size == best[1] and second > best[0])):
                    continue
                if (
                    keys[first:second] == keys[second : second + size]
                    and sum(map(len, keys[first:second])) >= MIN_REPEAT_CHARS
                ):
                    best = (second, size)
    return best


def clean_body(paragraphs: Iterable[str]) -> str | None:
    """The article text, one paragraph per line: entities repaired, whitespace collapsed, empty and
    boilerplate lines dropped, the page footer (上一篇/下一篇/栏目排行 and after) cut, a trailing
    "(责任编辑:...)" mark removed, a body pasted twice kept once. None if nothing is left. Idempotent.

    >>> clean_body(["\\u3000\\u3000项目mdash;mdash;开工。", "", "(责任编辑:孙悦)", "上一篇:别的新闻", "1. 热点"])
    '项目——开工。'
    """
    if isinstance(paragraphs, str):
        paragraphs = [paragraphs]
    try:
        lines = _body_lines(paragraphs)
    except TypeError:
        return None
    return "\n".join(_collapse(lines, list(lines))) or None


def _body_lines(paragraphs: Iterable[str]) -> list[str]:
    lines: list[str] = []
    for raw in paragraphs:
        if not isinstance(raw, str):
            continue
        for piece in raw.splitlines():
            line = _clean_line(piece)
            if line.endswith(P.BRACKET_CLOSERS):
                line = P.TRAILING_EDITOR.sub("", line).rstrip()
            if not line:
                continue
            folded = fold_width(line)
            if lines and P.FOOTER_START.match(folded):
                return lines
            if not _is_boilerplate_line(folded):
                lines.append(line)
    return lines
