"""Bodies: the article text one paragraph per line, page furniture (声明, 上一篇, 【打印】【关闭】...), the
footer and a trailing 责任编辑 mark dropped, a body pasted twice kept once."""

from __future__ import annotations

from collections.abc import Iterable

from crawler.normalize import patterns as P
from crawler.normalize.characters import clean_line, fold_width, normalize_space

MIN_REPEAT_CHARS = 30  # a repeated block shorter than this may be legitimate (a repeated short line)
#: Repeated blocks removed from one body at most, and the most lines a body may have for them to be looked for:
#: each removal reads the whole body again, so that a page of 50,000 repeated lines (anyone can write one) took
#: 6 s. A reprint pastes a body twice, or doubles each of its paragraphs: a few dozen removals.
MAX_COLLAPSES, MAX_COLLAPSE_LINES = 256, 2000


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
    """collapse_repeat on `kept` compared by `keys` (one per item); both lists are consumed. A body of more than
    MAX_COLLAPSE_LINES lines is kept as it is; at most MAX_COLLAPSES blocks are removed."""
    if len(keys) > MAX_COLLAPSE_LINES:
        return kept
    for _ in range(MAX_COLLAPSES):
        block = _largest_repeat(keys)
        if block is None:
            return kept
        start, size = block
        del kept[start : start + size]
        del keys[start : start + size]
    return kept


def _largest_repeat(keys: list[str]) -> tuple[int, int] | None:
    """(start, size) of the largest second copy of an adjacent repeated block, earliest first."""
    positions: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        positions.setdefault(key, []).append(index)
    count = len(keys)
    best: tuple[int, int] | None = None
    for where in positions.values():
        for a, first in enumerate(where[:64]):
            for second in where[a + 1 : 65]:
                size = second - first
                if second + size > count:  # its second copy would run past the end: so would those after it
                    break
                if best is not None and (size < best[1] or (size == best[1] and second > best[0])):
                    continue
                same = 1  # keys[first] == keys[second]: compared one by one, no copy of either block
                while same < size and keys[first + same] == keys[second + same]:
                    same += 1
                if same == size and sum(map(len, keys[first:second])) >= MIN_REPEAT_CHARS:
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
    lines = _without_credits_tail(lines)
    return "\n".join(_collapse(lines, list(lines))) or None


def _without_credits_tail(lines: list[str]) -> list[str]:
    """`lines` less a closing credits line ("编辑|张三", `P.CREDITS_LINE`) and all after it, when no line after it is
    longer than `P.CREDITS_TAIL_MAX` (a public account's menu, "点【在看】试试"); the first line always stays.

    >>> _without_credits_tail(["正文第一段。", "编辑|张三", "校对|李四", "回复【社保】查询缴纳记录"])
    ['正文第一段。']
    >>> _without_credits_tail(["正文第一段。", "编辑|张三", "正文第二段，" * 8])
    ['正文第一段。', '编辑|张三', '正文第二段，正文第二段，正文第二段，正文第二段，正文第二段，正文第二段，正文第二段，正文第二段，']
    """
    last_long = max((index for index, line in enumerate(lines) if len(line) > P.CREDITS_TAIL_MAX), default=0)
    for index in range(max(1, last_long), len(lines)):  # (each line after it short: one pass, not one per line)
        if P.CREDITS_LINE.match(lines[index]):
            return lines[:index]
    return lines


def _body_lines(paragraphs: Iterable[str]) -> list[str]:
    lines: list[str] = []
    for raw in paragraphs:
        if not isinstance(raw, str):
            continue
        for piece in raw.splitlines():
            line = clean_line(piece)
            if line.endswith(P.BRACKET_CLOSERS):
                line = P.TRAILING_MARK.sub("", line).rstrip()
            if not line:
                continue
            folded = fold_width(line)
            if lines and P.FOOTER_START.match(folded):
                return lines
            if not _is_boilerplate_line(folded):
                lines.append(line)
    return lines
