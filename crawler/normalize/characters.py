"""Characters and whitespace: full-width folding, invisible characters, HTML entities (also without their
"&"), and the cleaning steps the field normalisers share.

Every public function accepts anything and returns text; none raises. The tables live in `patterns`.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Callable
from html.entities import html5
from re import Match

from crawler.normalize import patterns as P

_FIXPOINT_ROUNDS = 8


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
    for wide in set(P.HAS_WIDE.findall(text)):  # a few distinct characters: replacing each is 4x faster than
        text = text.replace(wide, _FOLDED[wide])  # str.translate, which raises a KeyError inside for every other one
    return text


_FOLDED = {chr(wide): chr(narrow) for wide, narrow in P.WIDTH_TABLE.items()}


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
    if ";" not in text:
        return text  # every entity form ends with one
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


def clean_line(text: str) -> str:
    """normalize_space + repair_entities, in the order that makes the result a fixpoint of both."""
    text = normalize_space(text)
    repaired = repair_entities(text)
    return text if repaired == text else normalize_space(repaired)


def soft_clean(text: str) -> str:
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


def storable(text: str) -> str:
    """`text` without what no stored text may hold (`patterns.UNSTORABLE`): lone surrogates and control
    characters but tab and newline. The one place they are removed: `normalize_article` applies it to
    every text field of an Article before it goes on to the store.

    >>> storable("标题\\x00\\ud800 正文\\n\\x85第二行\\t")
    '标题 正文\\n第二行\\t'
    """
    if not isinstance(text, str):
        return ""
    return P.UNSTORABLE.sub("", text) if P.UNSTORABLE.search(text) else text


def until_stable(step: Callable[[str], str], text: str) -> str:
    """Apply `step` until the text stops changing (a few rounds at most), so the result is idempotent."""
    for _ in range(_FIXPOINT_ROUNDS):
        again = step(text)
        if again == text:
            break
        text = again
    return text
