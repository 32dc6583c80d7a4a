"""Pages that are no page of the portal but its guard's answer: JavaScript and WAF challenges, captchas,
rate limits. `block(status, cookies, text)` names the class of such a response, or None for a page.

Portals behind Chinese CDNs and WAFs answer a crawler they distrust in a few known ways (each row of the
tables below names one, with what it looks like); finnews recognises them so that such a page is never
stored, never read as a listing, and its portal is slowed down (`crawler.blocking`). It never solves them.

Text rules read only small pages (`SMALL_PAGE` bytes at most, `SHORT_TEXT` characters of text at most): a
challenge says a line or two, while an article that mentions 验证码 has paragraphs around it.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

#: The classes of block (also the stats `finnews/blocked/<class>`).
JS_CHALLENGE = "js_challenge"
WAF_CHALLENGE = "waf_challenge"
CAPTCHA = "captcha"
RATE_LIMITED = "rate_limited"

#: Pages larger than this (bytes), or whose text is longer than this (characters, spaces aside), are not read
#: for challenge text.
SMALL_PAGE = 16 * 1024
SHORT_TEXT = 400


class StatusRule(NamedTuple):
    status: int
    kind: str


class CookieRule(NamedTuple):
    cookie: re.Pattern[str]
    kind: str
    name: str  # what `cookie` matches starts with, literally: a page's script that sets the cookie writes it


class TextRule(NamedTuple):
    statuses: frozenset[int]  # the statuses it applies to
    text: re.Pattern[str]
    kind: str
    # Words one of which (lowercase) is in every text `text` matches, whole: no tag between its letters, so they
    # are in the page's source too, where a cheap test looks for them before its tags are stripped.
    hints: tuple[str, ...]


#: Statuses that are a block whatever the page says.
STATUS_RULES = (
    # Jiasule-style anti-bot: "521" with a script that computes a cookie and reloads
    # (`document.cookie=('__jsl_clearance_s=1725...|0|...')`).
    StatusRule(521, JS_CHALLENGE),
    # HTTP 429 Too Many Requests: a rate limit, by definition.
    StatusRule(429, RATE_LIMITED),
)

#: Cookies a response sets (or a challenge script writes) only when it challenges the client.
COOKIE_RULES = (
    # Jiasule clearance cookies: `__jsl_clearance=1725...|0|abc`, `__jsl_clearance_s=...` (not `__jsluid_s`,
    # which every page behind it sets).
    CookieRule(re.compile(r"__jsl_clearance(?:_s)?\b"), JS_CHALLENGE, "__jsl_clearance"),
    # Alibaba Cloud WAF's JavaScript challenge: `var arg1='3A1B...'` computing `acw_sc__v2` (not `acw_tc`,
    # which every page behind it sets). Its slider variant sets `acw_sc__v3`.
    CookieRule(re.compile(r"acw_sc__v[23]\b"), WAF_CHALLENGE, "acw_sc__v"),
)

_SMALL_STATUSES = frozenset({200, 403, 503})
#: What a small page says when it is a challenge or a rate limit.
TEXT_RULES = (
    # "访问过于频繁,请稍后再试", "您的请求过于频繁", "操作太频繁了", "访问频率过高", "Too Many Requests"
    TextRule(
        _SMALL_STATUSES,
        re.compile(r"(?:访问|请求|操作)(?:过于|太|过度)频繁|访问频率过(?:高|快)|too many requests", re.I),
        RATE_LIMITED,
        ("频繁", "频率", "requests"),
    ),
    # "请输入验证码", "请完成下方验证", "拖动滑块完成验证", "安全验证", "人机验证", "请进行验证后继续访问"
    TextRule(
        _SMALL_STATUSES,
        re.compile(
            r"请输入(?:图片)?验证码|输入验证码后|滑块|滑动验证|安全验证|人机验证|请(?:完成|进行)(?:下方)?验证|captcha",
            re.I,
        ),
        CAPTCHA,
        ("验证", "滑块", "captcha"),
    ),
    # A 403/503 guard page: "访问被拒绝"/"访问已被拦截" with the WAF's name, "您的访问被阻断", "Access Denied".
    TextRule(
        frozenset({403, 503}),
        re.compile(
            r"访问(?:被|已被)(?:拒绝|拦截|阻断)|您的访问(?:被|已被)?(?:阻断|拦截)|当前访问疑似黑客攻击|access denied",
            re.I,
        ),
        WAF_CHALLENGE,
        ("访问", "denied"),
    ),
)

_TAGS = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]*>", re.S | re.I)
_SPACE = re.compile(r"\s+|&nbsp;")


def block(status: int, cookies: Iterable[str], text: str | None, size: int) -> str | None:
    """The class of block a response is (`JS_CHALLENGE`, `WAF_CHALLENGE`, `CAPTCHA`, `RATE_LIMITED`), or None.

    `cookies`: the Set-Cookie values it carries; `text`: its decoded body (None if it is no text);
    `size`: its body's length in bytes.

    >>> block(521, [], "<script>document.cookie=('__jsl_clearance_s=1|0|x')</script>", 80)
    'js_challenge'
    >>> block(200, ["acw_tc=2f6a; path=/", "acw_sc__v2=66d6; path=/"], "<html></html>", 13)
    'waf_challenge'
    >>> block(200, ["acw_tc=2f6a; path=/"], "<p>请输入验证码</p>", 30), block(503, [], "<h1>Server busy</h1>", 20)
    ('captcha', None)
    >>> block(200, [], "<p>请输入验证码</p>" + "x" * SMALL_PAGE, SMALL_PAGE + 30)  # a whole page that mentions it
    """
    for rule in STATUS_RULES:
        if status == rule.status:
            return rule.kind
    set_cookies = " ".join(cookies)
    small = text if text is not None and size <= SMALL_PAGE else None
    for cookie_rule in COOKIE_RULES:  # set by the response, or written by its script
        if cookie_rule.cookie.search(set_cookies) or (small and cookie_rule.cookie.search(small)):
            return cookie_rule.kind
    if not small:
        return None
    rules = [rule for rule in TEXT_RULES if status in rule.statuses]
    lowered = small.lower()
    if not any(hint in lowered for rule in rules for hint in rule.hints):
        return None  # no rule can match: the tags are not stripped (most pages of a portal are small: its counters)
    visible = _TAGS.sub(" ", small)
    if len(_SPACE.sub("", visible)) > SHORT_TEXT:
        return None
    for text_rule in rules:
        if text_rule.text.search(visible):
            return text_rule.kind
    return None


def may_be_blocked(body: bytes, encoding: str) -> bool:
    """Whether a response's bytes may hold what `block` reads in its text: a page of SMALL_PAGE bytes at most
    that holds a text rule's hint or a challenge cookie's name, as its encoding writes them. A test before its
    text is decoded, which most pages fail (an encoding that writes ASCII otherwise, UTF-16, passes).

    >>> may_be_blocked("<p>请输入验证码</p>".encode("gbk"), "gbk"), may_be_blocked(b"<h1>Too Many Requests</h1>", "utf-8")
    (True, True)
    >>> may_be_blocked("<p>央行开展逆回购操作</p>".encode(), "utf-8"), may_be_blocked(b"x" * (SMALL_PAGE + 1), "utf-8")
    (False, False)
    """
    if len(body) > SMALL_PAGE:
        return False
    words = _encoded_words(encoding)
    if words is None:
        return True
    as_written, lowercase = words
    if any(word in body for word in as_written):
        return True
    lowered = body.lower()  # the ASCII letters only: a byte of a multi-byte character may be one
    return any(word in lowered for word in lowercase)


@lru_cache(maxsize=16)
def _encoded_words(encoding: str) -> tuple[tuple[bytes, ...], tuple[bytes, ...]] | None:
    """The hints and cookie names as `encoding` writes them: (those to find as written, the ASCII hints to find
    in the lowered bytes); None for an encoding unknown or that writes ASCII otherwise."""
    try:
        if "a".encode(encoding) != b"a":
            return None
    except LookupError:
        return None
    hints = {hint for rule in TEXT_RULES for hint in rule.hints}
    ascii_hints = {hint for hint in hints if hint.isascii()}
    as_written = {rule.name.encode("ascii") for rule in COOKIE_RULES}
    for hint in hints - ascii_hints:
        with contextlib.suppress(UnicodeEncodeError):  # a page in this encoding cannot hold it
            as_written.add(hint.encode(encoding))
    return tuple(as_written), tuple(hint.encode("ascii") for hint in ascii_hints)
