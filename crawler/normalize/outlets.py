"""Outlets: the 来源 field cleaned to the outlet's name ("来源:<a>千龙网</a> 阅读量:11003" -> "千龙网"), and the
outlet's canonical name from the alias table `outlets.toml` beside this module ("中证网" -> "中国证券报·中证网")."""

from __future__ import annotations

import functools
import logging
import os
import tomllib
from collections.abc import Iterable, Mapping
from importlib import resources

from crawler.normalize import patterns as P
from crawler.normalize.characters import fold_width, normalize_space, soft_clean, until_stable

logger = logging.getLogger(__name__)


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
    source = until_stable(_source_once, text)
    if not source or not any(c.isalpha() for c in source):
        return None
    key = source.casefold()
    if key in P.NULL_SOURCES or key in _name_keys(own_names):
        return None
    return source


def _source_once(text: str) -> str:
    text = soft_clean(text)
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


_PAIRS = {"(": ")", "（": "）", "[": "]", "【": "】", "〔": "〕", "<": ">", "「": "」", "『": "』"}
_CLOSERS = {close: open_ for open_, close in _PAIRS.items()}


def _strip_residue(text: str) -> str:
    """Drop quotes, empty brackets, edge punctuation, wrapping and unbalanced edge brackets.

    >>> _strip_residue("[千龙网]")
    '千龙网'
    >>> _strip_residue("人民网(北京))。"), _strip_residue("第一财经（")
    ('人民网(北京)', '第一财经')
    """
    text = text.replace('"', "").replace("“", "").replace("”", "")
    text = P.EMPTY_BRACKETS.sub("", text)
    while True:
        before = text
        text = text.strip(P.EDGE_CHARS)
        if not text:
            return text
        first, last = text[0], text[-1]
        if first in _PAIRS and last == _PAIRS[first] and first not in text[1:-1] and last not in text[1:-1]:
            text = text[1:-1]
        elif last in _CLOSERS and text.count(last) > text.count(_CLOSERS[last]):
            text = text[:-1]
        elif first in _PAIRS and text.count(first) > text.count(_PAIRS[first]):
            text = text[1:]
        elif last in _PAIRS:  # a bracket opened at the end: what it held was cut ("第一财经（记者 张三）")
            text = text[:-1]
        if text == before:
            return text


def canonical_source(name: str | None) -> str | None:
    """The canonical outlet for a cleaned 来源 name, from the alias table `crawler/normalize/outlets.toml`
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
    """The alias table of a sources TOML file (default: the shipped `crawler/normalize/outlets.toml`) as
    {matching key: canonical name}. Raises ValueError (with the offending entry) for a file that is
    not TOML, has no [outlets] table, a name that is not text or a name claimed by two outlets.

    >>> table = load_source_aliases()
    >>> table[_source_key("上证报")]
    '上海证券报'
    """
    try:
        if path is None:
            text = resources.files("crawler.normalize").joinpath("outlets.toml").read_text(encoding="utf-8")
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
        logger.error("crawler/normalize/outlets.toml not loaded, sources stay as found: %s", exc)
        return {}


def _source_key(name: str) -> str:
    """The matching key of an outlet name already whitespace-normalised: width folded, case folded,
    joiners unified to "·", spaces and 《》 dropped.

    >>> _source_key("中国证券报 — 中证网") == _source_key("《中国证券报》•中证网")
    True
    """
    key = fold_width(name).casefold()
    return P.SOURCE_KEY_DROP.sub("", P.SOURCE_KEY_JOINER.sub("·", key))
