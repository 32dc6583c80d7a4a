"""The watch list: terms whose new articles a user wants to hear about (`finnews watch`).

Each term keeps the last article id its alerts covered; `alerts` gives one record per article stored
since then whose title or body contains the term (the same search as `finnews query --search`), and
moves the term on. A crawl calls it at its end (`pipelines.storage`), appending the alerts to a JSON-lines
file and, where a webhook URL is set, POSTing each one there as JSON.
"""

from __future__ import annotations

import logging
import urllib.request
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, delete, func, insert, select, update

from crawler.models import SHANGHAI, ArticleRow, Watch
from crawler.queries import Filters, iter_articles

logger = logging.getLogger(__name__)

#: What an alert says of the article (plus `term` and `alerted_at`).
ALERT_FIELDS = ("url", "site", "title", "published_at", "source", "crawled_at")


def add(engine: Engine, term: str) -> bool:
    """Watch `term` from now on (articles stored before are not alerted); False if watched already."""
    with engine.begin() as connection:
        if connection.scalar(select(Watch.term).where(Watch.term == term)) is not None:
            return False
        last = connection.scalar(select(func.coalesce(func.max(ArticleRow.id), 0)))
        connection.execute(insert(Watch).values(term=term, article_id=last, created_at=datetime.now(SHANGHAI)))
    return True


def remove(engine: Engine, term: str) -> bool:
    with engine.begin() as connection:
        return bool(connection.execute(delete(Watch).where(Watch.term == term)).rowcount)


def terms(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        return [
            {"term": watch.term, "created_at": watch.created_at, "after_article": watch.article_id}
            for watch in connection.execute(select(Watch).order_by(Watch.term))
        ]


def alerts(engine: Engine) -> list[dict[str, Any]]:
    """One alert per article stored since each term's last alerts and matching it; each term moves on."""
    now = datetime.now(SHANGHAI)
    found = []
    with engine.connect() as connection:
        last = connection.scalar(select(func.coalesce(func.max(ArticleRow.id), 0))) or 0
        watched = connection.execute(select(Watch.term, Watch.article_id)).all()
    for term, after in watched:
        alerts = [
            {"term": term, **{name: record[name] for name in ALERT_FIELDS}, "alerted_at": now}
            for record in iter_articles(engine, Filters(search=term), after_id=after, up_to_id=last)
        ]
        with engine.begin() as connection:  # moved on only from where it was read: two processes ending a
            moved = connection.execute(  # shared crawl at once alert each article once
                update(Watch).where(Watch.term == term, Watch.article_id == after).values(article_id=last)
            ).rowcount
        if moved:
            found.extend(alerts)
    return found


def deliver(found: Iterable[dict[str, Any]], path: str | None, webhook: str | None, timeout: float = 10.0) -> int:
    """Append alerts to the JSON-lines file `path` and POST each to `webhook` (either may be None);
    a webhook that fails is logged, the alerts stay in the file. Returns how many were delivered."""
    lines = [orjson.dumps(alert, option=orjson.OPT_APPEND_NEWLINE) for alert in found]
    if path and lines:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with Path(path).open("ab") as out:
            out.write(b"".join(lines))
    if webhook:
        for line in lines:
            request = urllib.request.Request(
                webhook, data=line, headers={"Content-Type": "application/json"}, method="POST"
            )
            try:
                with urllib.request.urlopen(request, timeout=timeout) as response:
                    response.read()
            except OSError as exc:
                logger.error("watch webhook %s failed: %s", webhook, exc)
    return len(lines)
