"""A crawl's report per portal, kept with its run (`crawl_runs.report`), and its warnings.

Per portal: the pages it answered, the articles stored and the reprints found, the errors and blocks met,
and the field coverage: the share of the articles read (stored or reprints) that have a date, a 来源, a
read count, an author and a body. Two things in a report are warnings (a WARNING line, the run's
`report["warnings"]`, exit status 7):

- a portal that yielded nothing: no article read and no article page answered 304 Not Modified;
- template drift: a field whose coverage dropped by `drop` or more (absolute share) against the median of
  the portal's previous runs, where this run and those runs each read `min_articles` articles or more
  (fewer say little: an incremental run reads a handful).

`PortalCounts` is what the crawl counts (`crawler.monitoring` counts it); `judge` is pure.
"""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from crawler.models import CrawlRun

#: The fields whose coverage a report shows: name in the report -> the Article attribute.
COVERED = {"date": "published_at", "source": "source", "views": "views", "author": "author", "body": "body"}
#: How a field is called in a warning.
LABELS = {"date": "date", "source": "来源", "views": "views", "author": "author", "body": "body"}
#: How many previous runs of a portal its drift is judged against.
HISTORY = 5


@dataclass
class PortalCounts:
    """What one crawl saw of one portal."""

    pages: int = 0  # answers of the portal (each attempt, 304s and error pages included)
    not_modified: int = 0  # 304 answers to conditional refetches: articles unchanged since kept
    errors: int = 0  # failed fetch attempts: connection errors, timeouts, 5xx answers
    blocks: int = 0  # refusals: 403 and 429 answers
    articles: int = 0  # articles stored
    reprints: int = 0  # articles found to be copies of a story already seen
    known: int = 0  # article links not fetched: stored already (an incremental crawl)
    fields: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COVERED, 0))  # articles read with each

    @property
    def read(self) -> int:
        """Articles read: stored, or found reprints."""
        return self.articles + self.reprints

    def coverage(self, name: str) -> float | None:
        """Share of the articles read that have field `name` (None: none read)."""
        return self.fields.get(name, 0) / self.read if self.read else None

    def count_article(self, article: Any, reprint: bool) -> None:
        """Count an article read (an `Article`), stored or a reprint."""
        if reprint:
            self.reprints += 1
        else:
            self.articles += 1
        for name, attribute in COVERED.items():
            if getattr(article, attribute, None) not in (None, ""):
                self.fields[name] += 1

    def as_json(self) -> dict[str, Any]:
        return asdict(self) | {"coverage": {name: _share(self.coverage(name)) for name in COVERED}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PortalCounts:
        counts = cls()
        for name in ("pages", "not_modified", "errors", "blocks", "articles", "reprints", "known"):
            setattr(counts, name, int(data.get(name, 0)))
        counts.fields.update({name: int(value) for name, value in data.get("fields", {}).items() if name in COVERED})
        return counts


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def judge(portal: str, counts: PortalCounts, previous: list[PortalCounts], drop: float, min_articles: int) -> list[str]:
    """The warnings of `portal`'s counts against its `previous` runs' (newest first).

    >>> good = PortalCounts(articles=40, fields=dict.fromkeys(COVERED, 40))
    >>> drifted = PortalCounts(articles=40, fields=dict(good.fields, source=2))
    >>> judge("dede", drifted, [good, good], drop=0.3, min_articles=10)
    ['dede: 来源 on 5% of 40 articles read, 100% in its previous runs (template changed?)']
    >>> judge("dede", good, [drifted, good], drop=0.3, min_articles=10), judge("dede", drifted, [], 0.3, 10)
    ([], [])
    >>> judge("dede", PortalCounts(pages=12, errors=3), [good], drop=0.3, min_articles=10)
    ['dede: yielded nothing (12 pages answered, 3 errors, 0 blocks)']
    >>> judge("dede", PortalCounts(pages=2, known=30), [good], drop=0.3, min_articles=10)  # nothing new: no warning
    []
    """
    if counts.read == 0 and counts.not_modified == 0 and counts.known == 0:
        return [
            f"{portal}: yielded nothing ({counts.pages} pages answered, {counts.errors} errors, {counts.blocks} blocks)"
        ]
    if counts.read < min_articles:
        return []
    warnings = []
    history = [run for run in previous if run.read >= min_articles][:HISTORY]
    for name in COVERED:
        before = [share for run in history if (share := run.coverage(name)) is not None]
        now = counts.coverage(name)
        if before and now is not None and statistics.median(before) - now >= drop:
            warnings.append(
                f"{portal}: {LABELS[name]} on {now:.0%} of {counts.read} articles read, "
                f"{statistics.median(before):.0%} in its previous runs (template changed?)"
            )
    return warnings


def previous_counts(
    engine: Engine, portals: set[str], before_run: int | None, runs: int = 50
) -> dict[str, list[PortalCounts]]:
    """The counts of each of `portals` in the reports of the last `runs` crawl runs before `before_run`
    (all runs: None), newest first."""
    query = select(CrawlRun.report).where(CrawlRun.report.is_not(None)).order_by(CrawlRun.id.desc()).limit(runs)
    if before_run is not None:
        query = query.where(CrawlRun.id < before_run)
    found: dict[str, list[PortalCounts]] = {portal: [] for portal in portals}
    with Session(engine) as session:
        for report in session.scalars(query):
            for portal, data in (report or {}).get("portals", {}).items():
                if portal in found:
                    found[portal].append(PortalCounts.from_json(data))
    return found


def record_report(engine: Engine, run_id: int, report: dict[str, Any]) -> None:
    """Keep `report` with the crawl run `run_id`."""
    with Session(engine) as session, session.begin():
        session.get_one(CrawlRun, run_id).report = report


def latest(engine: Engine, runs: int = 50) -> list[dict[str, Any]]:
    """Each portal's line of the newest report that has it (of the last `runs`), by portal name: the run,
    its counts, the coverage of each field (a share; None where no article was read), its warnings."""
    query = (
        select(CrawlRun.id, CrawlRun.started_at, CrawlRun.report)
        .where(CrawlRun.report.is_not(None))
        .order_by(CrawlRun.id.desc())
        .limit(runs)
    )
    lines: dict[str, dict[str, Any]] = {}
    with Session(engine) as session:
        for run_id, started_at, report in session.execute(query):
            for portal, data in (report or {}).get("portals", {}).items():
                if portal not in lines:
                    counts = PortalCounts.from_json(data)
                    lines[portal] = {
                        "portal": portal, "run": run_id, "started_at": started_at, "pages": counts.pages,
                        "articles": counts.articles, "reprints": counts.reprints, "known": counts.known,
                        "errors": counts.errors, "blocks": counts.blocks, **{name: _share(counts.coverage(name)) for name in COVERED},
                        "warnings": list(data.get("warnings", [])),
                    }  # fmt: skip
    return [lines[portal] for portal in sorted(lines)]
