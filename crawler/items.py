"""The Article item: the one contract between spider, pipelines, storage and export.

Field names are stable: users' scripts read them from `finnews export`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class Article:
    """One article page.

    The spider fills the raw fields; `NormalizePipeline` turns them into the clean, typed values
    below (the `*_raw` fields keep what the page said, for debugging and re-normalising).
    """

    url: str
    site: str
    title: str | None = None
    published_at: datetime | None = None
    source: str | None = None
    author: str | None = None
    editor: str | None = None
    views: int | None = None
    body: str | None = None
    images: list[str] = field(default_factory=list)
    category: str | None = None
    crawled_at: datetime | None = None
    reprints: list[dict[str, Any]] = field(default_factory=list)
    # Derived values and provenance.
    source_canonical: str | None = None  # the outlet behind `source` (中证网 -> 中国证券报·中证网)
    authors: list[str] = field(default_factory=list)  # `author` as a list of names
    date_source: str | None = None  # where published_at came from: page / relative / listing / url
    date_conflict: bool = False  # the page's date and the URL's are more than a day apart
    reprint_notice: bool = False  # the page declares itself a reprint (声明: 本网站转自其它媒体, 本文转载自 ...)
    views_lower_bound: bool = False  # "10万+": views is a lower bound
    # Raw values: what the page said before normalisation.
    source_raw: str | None = None
    title_tag: str | None = None
    date_raw: str | None = None
    views_raw: str | None = None
    listing_date_raw: str | None = None
    site_name: str | None = None


@dataclass
class Gone:
    """A page found gone where an article was linked: HTTP 404/410 (`status`), or 200 with the portal's
    "not found" page. The storage pipeline sets `removed_at` on a stored page of that URL (删稿)."""

    url: str
    site: str
    status: int
    seen_at: datetime
