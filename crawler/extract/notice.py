"""Whether an article page declares itself a reprint: the 声明 / 转载 / 转自 notices of syndicating portals."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree
from parsel import Selector

from crawler.extract.pagefacts import page_text

# A page's notice that it carries another medium's article:
#   "声明:以上内容为本网站转自其它媒体,相关信息仅为传递更多信息之目的" (the reference page), "本网转载此文是
#   出于传递更多信息之目的", "本文转载仅出于传播信息需要", "本文系转载", "本文转载自微信公众号", "本文转自:新华网", "(转载)", "文章来源于网络".
# Not the notices of an original, which forbid reprinting: "转载请注明出处", "未经授权不得转载", "禁止转载",
# "如需转载请联系", "谢绝转载", "欢迎转载".
REPRINT_NOTICE = re.compile(
    r"转自(?:其[它他])?(?:媒体|网络|网站|[:：]|\S{2,12}(?:网|报|社|号|台))"
    r"|(?<![请需迎止绝得禁勿])转载(?:此文|自|于|的)|系转载|本[文网站]转载|[(（【\[]转载[)）】\]]|(?:来源|来自|源自)于?(?:互联)?网络"
)
# REPRINT_NOTICE less its one look-behind: what a notice of any text node matches in the page's text too, nodes
# joined without a separator (no form holds a space, so a notice lies within one node; only the look-behind
# sees the node before). Without a match there, no node holds a notice: the page's text nodes go unread.
_MAY_BE_NOTICE = re.compile(REPRINT_NOTICE.pattern.replace("(?<![请需迎止绝得禁勿])", "", 1))


# The page's text nodes, blank ones, scripts and styles aside; plain strings (a "smart" one would build its
# parent's element proxy: half the cost on a real page). Blank ones left out first: most text nodes of a
# real page are, and the parent test on each is what costs (half the query's time).
_BODY_TEXT = etree.XPath(
    "/html/body/descendant::text()[normalize-space()][not(parent::script or parent::style)]", smart_strings=False
)


def declares_reprint(sel: Selector) -> bool:
    """Whether the page's text carries a reprint notice (`REPRINT_NOTICE`).

    >>> declares_reprint(Selector(text="<p>正文</p><p>声明:以上内容为本网站转自其它媒体,不代表本网观点。</p>"))
    True
    >>> declares_reprint(Selector(text="<p>本文系原创,转载请注明出处,未经授权不得转载。</p>"))
    False
    """
    if not _holds_notice(page_text(sel), _MAY_BE_NOTICE):
        return False  # most pages: their text nodes unread
    return _holds_notice(" ".join(_BODY_TEXT(sel.root)), REPRINT_NOTICE)


def _holds_notice(text: str, notice: re.Pattern[str]) -> bool:
    return any(notice.search(text, max(0, at - 8), at + 20) for at in _anchors(text))


def _anchors(text: str) -> Iterator[int]:
    """Where a notice may be: each "转" and "网络" of `text` (every form of `REPRINT_NOTICE` holds one, at
    most 8 characters after its start and 20 before its end). Searching the regex only there is 10 times
    faster on a real page than searching all of it. Each is found by its first character (a one-character search
    is several times faster than a two-character one)."""
    for anchor in ("转", "网络"):
        at = text.find(anchor[0])
        while at >= 0:
            if text.startswith(anchor, at):
                yield at
            at = text.find(anchor[0], at + 1)
