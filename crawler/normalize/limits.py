"""Length caps of the short text fields, defined once: the normaliser cuts to them (with a stat,
`finnews/cut/<field>`) and the store's column widths are them (`crawler.models`).

Why these numbers: a Chinese headline runs 10-60 characters and the longest seen on real portals about
150, so 500 leaves room for any real title and stops a page-extraction error (a 200,000-character
"title" of a whole page) from being stored whole. 来源, author, editor and category are names: an outlet
("中国证券报·中证网"), a few reporters, a breadcrumb, never more than a few dozen characters; 200 is the
width of their VARCHAR columns, which PostgreSQL and MySQL enforce (a longer value would fail its whole
batch there).
"""

from __future__ import annotations

FIELD_CAPS: dict[str, int] = {
    "title": 500,
    "source": 200,
    "source_canonical": 200,
    "author": 200,
    "editor": 200,
    "category": 200,
}

#: What ends a cut value, so that a reader sees it was cut.
CUT_MARK = "…"


def cap(text: str | None, limit: int) -> tuple[str | None, bool]:
    """`text` cut to `limit` characters (the last one the mark "…") and whether it was cut.

    >>> cap("央行开展逆回购", 4)
    ('央行开…', True)
    >>> cap("央行", 4)
    ('央行', False)
    >>> cap(None, 4)
    (None, False)
    """
    if text is None or len(text) <= limit:
        return text, False
    return text[: limit - len(CUT_MARK)].rstrip() + CUT_MARK, True
