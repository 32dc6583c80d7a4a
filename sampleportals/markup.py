"""HTML fragments every portal shares: damaged body paragraphs, meta-line pieces, listing dates.

Pure functions: clean values and damage flags in, HTML text out.
"""

from __future__ import annotations

import html
from datetime import datetime, timedelta

from sampleportals import dates
from sampleportals.copies import Copy
from sampleportals.stories import CST, NOW

# Entities as a CMS that lost the `&` writes them ("mdash;mdash;"), and as a correct page does.
_LOST_ENTITIES: tuple[tuple[str, str], ...] = (
    ("——", "mdash;mdash;"),
    ("……", "hellip;hellip;"),
    ("“", "ldquo;"),
    ("”", "rdquo;"),
    (" ", "nbsp;"),
)
_ESCAPED_ENTITIES: tuple[tuple[str, str], ...] = (
    ("——", "&mdash;&mdash;"),
    ("……", "&hellip;&hellip;"),
    ("“", "&ldquo;"),
    ("”", "&rdquo;"),
    (" ", "&nbsp;"),
)
_HOUR = timedelta(hours=1)
_FULL_WIDTH_PUNCT = str.maketrans({"-": "－", ":": "："})
_FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def esc(text: str) -> str:
    """HTML-escape text for element content and attribute values.

    >>> esc("A&B<1>")
    'A&amp;B&lt;1&gt;'
    """
    if "&" in text or "<" in text or ">" in text or '"' in text or "'" in text:
        return html.escape(text)
    return text


def damaged_text(text: str, entities: str) -> str:
    """Escape `text`, then write its dashes, ellipses, quotes and spaces the damaged way.

    >>> damaged_text("项目——“风电”", "lost")
    '项目mdash;mdash;ldquo;风电rdquo;'
    """
    out = esc(text)
    table = _LOST_ENTITIES if entities == "lost" else _ESCAPED_ENTITIES if entities == "escaped" else ()
    for plain, written in table:
        out = out.replace(plain, written)
    return out


def indent_prefix(copy: Copy) -> str:
    """What precedes each paragraph: nothing, two ideographic spaces, or four (maybe broken) nbsp."""
    if copy.damage.indent == "ideographic":
        return "\u3000\u3000"
    if copy.damage.indent == "nbsp":
        return "nbsp;" * 4 if copy.damage.entities == "lost" else "&nbsp;" * 4
    return ""


def body_html(copy: Copy, image_src: str, title: str) -> str:
    """The inner HTML of a body container: image, paragraphs (maybe twice), the editor line."""
    prefix = indent_prefix(copy)
    paragraphs = [prefix + damaged_text(text, copy.damage.entities) for text in copy.paragraphs]
    if copy.damage.double_paste:
        paragraphs = paragraphs + paragraphs
    if copy.editor_line:
        paragraphs.append(esc(copy.editor_text))
    if copy.damage.br_paragraphs:
        inner = "<br />\n<br />\n".join(paragraphs) + "<br />\n"
    else:
        inner = "".join(f"<p>{paragraph}</p>\n" for paragraph in paragraphs)
    if copy.image:
        inner = (
            f'<p style="text-align: center;"><img src="{image_src}" alt="{esc(title)}" border="0" '
            f'width="600" height="400" /></p>\n' + inner
        )
    return inner


def widen(text: str, width: str) -> str:
    """Meta-line damage: full-width dashes and colons ("punct"), and digits too ("digits").

    >>> widen("2024-09-03 11:54", "punct")
    '2024－09－03 11：54'
    """
    if width in ("punct", "digits"):
        text = text.translate(_FULL_WIDTH_PUNCT)
    if width == "digits":
        text = text.translate(_FULL_WIDTH_DIGITS)
    return text


def clock(timestamp: int, seconds: bool, width: str = "") -> str:
    """`2024-09-03 11:54` (or with `:03` seconds) in Beijing time, maybe widened."""
    return widen(f"{dates.ymd(timestamp)} {dates.hms(timestamp) if seconds else dates.hm(timestamp)}", width)


def label(name: str, width: str) -> str:
    """A meta label with its colon: `来源:` (full-width colon on widened meta lines)."""
    return f"{name}：" if width else f"{name}:"


def author_html(copy: Copy) -> str:
    """`作者:张三 李四`, `记者 张三`, `文/张三`; empty without authors."""
    if not copy.authors:
        return ""
    names = esc(copy.author_separator.join(copy.authors))
    if copy.author_style == "作者":
        return label("作者", copy.damage.meta_width) + names
    if copy.author_style == "记者":
        return f"记者 {names}"
    return f"文/{names}"


def source_html(copy: Copy) -> str:
    """The 来源 part of a meta line in the copy's style; empty when the page names no source.

    A "glued" source swallows the author (`来源:千龙网作者:张三`): see `meta_author_html`.
    """
    shown = copy.shown_source
    if shown is None:
        return ""
    width = copy.damage.meta_width
    if copy.source_style == "link":
        return f'{label("来源", width)} <a href="#" target="_blank" rel="nofollow">{esc(shown)}</a>'
    if copy.source_style == "gaoyuan":
        return label("稿源", width) + esc(shown)
    if copy.source_style == "glued":
        return label("来源", width) + esc(shown) + author_html(copy)
    return label("来源", width) + esc(shown)


def meta_author_html(copy: Copy) -> str:
    """The author part of a meta line unless the source already swallowed it."""
    return "" if copy.source_style == "glued" and copy.shown_source else author_html(copy)


def editor_meta_html(copy: Copy) -> str:
    """`责任编辑:孙悦` for the meta line, when the page puts the editor there."""
    return label("责任编辑", copy.damage.meta_width) + esc(copy.editor or "") if copy.editor_meta else ""


def relative_date(timestamp: int, now: datetime = NOW) -> str:
    """A listing date relative to the network clock: `5分钟前`, `3小时前`, `昨天 14:20`, `09-03`.

    >>> relative_date(int(NOW.timestamp()) - 3 * 3600)
    '3小时前'
    """
    moment = datetime.fromtimestamp(timestamp, CST)
    delta = now - moment
    if delta < _HOUR:
        return f"{max(1, delta.seconds // 60)}分钟前"
    days_ago = now.toordinal() - moment.toordinal()  # calendar days, each in its own time zone
    if days_ago == 0:
        return f"{delta.seconds // 3600}小时前"
    if days_ago == 1:
        return "昨天 " + dates.hm(timestamp)
    if days_ago == 2:
        return "前天 " + dates.hm(timestamp)
    if moment.year == now.year:
        return dates.month_day(timestamp)
    return dates.ymd(timestamp)


def truncate(text: str, length: int) -> str:
    """Cut a side-list title the way CMS templates do (no ellipsis).

    >>> truncate("一二三四五", 3)
    '一二三'
    """
    return text[:length]


def page_window(page: int, total: int, width: int = 5) -> range:
    """The page numbers a pagination block shows around `page`.

    >>> list(page_window(1, 12)), list(page_window(7, 12)), list(page_window(12, 12))
    ([1, 2, 3, 4, 5], [5, 6, 7, 8, 9], [8, 9, 10, 11, 12])
    """
    first = max(1, min(page - width // 2, total - width + 1))
    return range(first, min(total, first + width - 1) + 1)
