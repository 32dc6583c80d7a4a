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
    # Provenance and raw values: what the page said before normalisation.
    date_source: str | None = None
    source_raw: str | None = None
    views_lower_bound: bool = False
    date_raw: str | None = None
    views_raw: str | None = None
    listing_date_raw: str | None = None
    site_name: str | None = None
