"""Decoding HTML bytes: trust the declared charset, but verify it.

Portals declare `gb2312` and send GBK, declare `utf-8` and send GBK, declare `gbk` and send UTF-8 (a site moved
to UTF-8 with its old `<meta charset>`), or declare nothing. A declared gb2312/gbk decodes as GB18030 (its
superset); bytes that are UTF-8 with Chinese in them are UTF-8 whatever the page declares (`disguised_utf8`); a
declaration whose strict decode fails falls back to UTF-8, GB18030, then charset-normalizer's detection.
"""

from __future__ import annotations

import codecs
import contextlib
import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.IGNORECASE)
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "iso8859-1": "cp1252", "ascii": "utf-8"}
_WESTERN = frozenset({"cp1252", "iso8859-1", "iso8859-15", "cp1250"})  # codecs.lookup names
_CJK = re.compile("[\u4e00-\u9fff]")


def declared_charset(body: bytes, header: str | None = None) -> str | None:
    """The charset a page declares: HTTP header first, then `<meta charset>` in its first 4 KB.

    >>> declared_charset(b'<meta charset="gb2312">')
    'gb18030'
    >>> declared_charset(b'<p>', 'text/html; charset=UTF-8')
    'utf-8'
    """
    found = re.search(r"charset\s*=\s*[\"']?([\w-]+)", header or "", re.IGNORECASE)
    name = found.group(1) if found else None
    if name is None and (meta := _META_CHARSET.search(body[:4096])):
        name = meta.group(1).decode("ascii", "replace")
    if name is None:
        return None
    try:
        name = codecs.lookup(name).name
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


def decode_html(body: bytes, header: str | None = None) -> tuple[str, str, bool]:
    """Decode `body`: returns (text, encoding used, repaired), where `repaired` says the declared
    charset was missing or wrong. A declared single-byte Western charset (latin-1, windows-1252) is
    wrong for bytes that decode strictly as UTF-8 or GB18030 with Chinese characters in them.

    A few bad bytes (a character cut in two, a stray byte pasted in) cost themselves, not the page:
    they become U+FFFD where they are, in the encoding the rest of the page is in. UTF-8 is known by
    its shape: Chinese text in another encoding almost never forms valid UTF-8 sequences.

    >>> decode_html("财经".encode("gbk"), "text/html; charset=utf-8")[1:]
    ('gb18030', True)
    >>> decode_html("新闻".encode("utf-8"), "text/html; charset=iso-8859-1")
    ('新闻', 'utf-8', True)
    >>> decode_html("央行开展逆回购操作".encode("utf-8") + b"\\xff" + "沪指收涨".encode("utf-8"))
    ('央行开展逆回购操作�沪指收涨', 'utf-8', True)
    >>> decode_html("央行开展".encode("gbk") + b"\\xff" + "逆回购操作".encode("gbk"), "text/html; charset=gbk")
    ('央行开展�逆回购操作', 'gb18030', False)
    >>> decode_html('<meta charset="gbk"><p>央行开展逆回购</p>'.encode("utf-8"))[1:]  # GB18030 would read it as 閸ぎ...
    ('utf-8', True)
    """
    declared = declared_charset(body, header)
    trusted = declared
    if declared in _WESTERN and not body.isascii():
        trusted = _cjk_encoding(body, ("utf-8", "gb18030")) or declared
    elif declared != "utf-8" and disguised_utf8(body):
        trusted = "utf-8"
    candidates = list(dict.fromkeys(filter(None, (trusted, "utf-8", "gb18030"))))
    with contextlib.suppress(UnicodeDecodeError):
        if trusted:
            return body.decode(trusted), trusted, trusted != declared
    if _mostly_utf8(body):
        return body.decode("utf-8", errors="replace"), "utf-8", declared != "utf-8"
    for encoding in candidates[1:]:
        try:
            return body.decode(encoding), encoding, encoding != declared
        except UnicodeDecodeError:
            continue
    for encoding in candidates:  # no candidate decodes every byte: the one that a few bytes break
        text = body.decode(encoding, errors="replace")
        if text.count("\ufffd") <= 1 + len(text) // 1000:
            return text, encoding, encoding != declared
    best = from_bytes(body).best()
    encoding = best.encoding if best else "gb18030"
    return body.decode(encoding, errors="replace"), encoding, True


def _mostly_utf8(body: bytes) -> bool:
    """Whether `body` is UTF-8 with a few bad bytes: at least 20 well-formed multi-byte characters
    for each bad byte. GBK, GB18030 or Big5 text read as UTF-8 gives almost none."""
    text = body.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    return bad > 0 and len(text) - len(text.encode("ascii", errors="ignore")) - bad >= 20 * bad


def disguised_utf8(body: bytes) -> bool:
    """Whether `body` is UTF-8 with Chinese characters in it: UTF-8 by its shape, whatever a page declares (GBK's bytes
    of Chinese text almost never form UTF-8, and fail to at once: its first Chinese character, in the `<title>`).

    >>> disguised_utf8("央行".encode("utf-8")), disguised_utf8("央行".encode("gbk")), disguised_utf8(b"<p>ok</p>")
    (True, False, False)
    """
    return not body.isascii() and _cjk_encoding(body, ("utf-8",)) is not None


def _cjk_encoding(body: bytes, encodings: tuple[str, ...]) -> str | None:
    """The first of `encodings` that decodes `body` strictly and gives Chinese characters; None if none does."""
    for encoding in encodings:
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _CJK.search(text):
            return encoding
    return None
