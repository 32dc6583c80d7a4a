"""Static bytes the portals serve: a tiny JPEG, a PDF, stylesheets, scripts, the oversized page."""

from __future__ import annotations

import base64
from functools import lru_cache

# An 8x8 baseline JPEG (decodes with Pillow/libjpeg).
JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hn"
    "Pk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2Nj"
    "Y2P/wAARCAAIAAgDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAT/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFQEBAQAAAAAA"
    "AAAAAAAAAAAABQb/xAAUEQEAAAAAAAAAAAAAAAAAAAAA/9oADAMBAAIRAxEAPwCEAeon/9k="
)

# A one-page PDF (what a listing's "附件" link downloads).
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R/Size 4>>\n%%EOF\n"
)

CSS = b'body{margin:0;font:12px/1.8 "Microsoft YaHei",SimSun,sans-serif;color:#333}a{color:#333;text-decoration:none}\n'
JS = b"/* site script */\nfunction AddFavorite(u,t){return false}function SetHome(o,u){return false}\n"

STATIC_TYPES: dict[str, tuple[str, bytes]] = {
    ".jpg": ("image/jpeg", JPEG),
    ".jpeg": ("image/jpeg", JPEG),
    ".css": ("text/css", CSS),
    ".js": ("application/javascript", JS),
    ".pdf": ("application/pdf", PDF),
}


@lru_cache(maxsize=2)
def oversized_page(size: int) -> bytes:
    """An HTML page of exactly `size` bytes (a 专题 page far too large to be an article)."""
    head = b'<!DOCTYPE html><html><head><meta charset="utf-8"><title>zhuanti</title></head><body>\n'
    tail = b"</body></html>\n"
    filler = "<p>2024金融街论坛年会图文直播。</p>\n".encode()
    room = max(0, size - len(head) - len(tail))
    body = filler * (room // len(filler))
    return head + body + b" " * (room - len(body)) + tail
