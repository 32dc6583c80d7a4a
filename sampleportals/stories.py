"""Stories: where and when each one is published (`StoryHead`) and what it says (`StoryText`).

Story `sid` is derived from `Random(f"{seed}:{sid}")` alone, so any story can be rebuilt on demand
and nothing is stored. Stories are numbered newest first: story `sid` was first published about
`sid * GAP` before the network's fixed clock `NOW`.

Every 8th story (`sid % 8 == REPORT_SLOT`) is a templated daily market report; report number
`sid // 8` uses template `(sid // 8) % 6`, so two reports of one template are at least six report
slots (~30 hours) apart and always describe different market days.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone
from random import Random
from typing import NamedTuple

from sampleportals import newstext, reports, vocab
from sampleportals.sites import PORTALS

CST = timezone(timedelta(hours=8))
NOW = datetime(2024, 9, 3, 18, 30, tzinfo=CST)
NOW_TS = int(NOW.timestamp())
GAP = 37 * 60  # seconds between consecutive stories
FIRST_OFFSET = 20 * 60  # the newest story is this old
REPORT_SLOT = 5
REPORT_EVERY = 8
MARKET_CLOSE = timedelta(hours=15, minutes=30)  # a report published before this is about the day before


class StoryHead(NamedTuple):
    """Placement of one story: its kind, topic, portals (origin first) and each copy's time."""

    sid: int
    kind: str  # "news" | "report"
    topic: str  # newstext.TOPICS or "report"
    portals: tuple[str, ...]
    times: tuple[int, ...]  # epoch seconds, one per portal

    @property
    def group(self) -> str:
        """The reprint group every copy of this story carries."""
        return f"g{self.sid:06d}"

    def time_on(self, portal: str) -> int:
        """Publication time (epoch seconds) of the copy on `portal`."""
        return self.times[self.portals.index(portal)]


class Headline(NamedTuple):
    """The cheap part of a story's text: enough for listings and side lists."""

    title: str
    lead: str  # the first paragraph (listing summaries quote it)
    outlet: str  # the 来源 outlet
    authors: tuple[str, ...]
    dateline: str  # wire prefix a copy may put in front of its first paragraph
    cast: Mapping[str, str]  # the story's actors, for the rest of a news body (never modified)
    rest: tuple[str, ...] | None  # a report's remaining paragraphs (drawn with its title)


class StoryText(NamedTuple):
    """What a story says, canonical (full-width punctuation, no drift, no damage)."""

    headline: Headline
    paragraphs: tuple[str, ...]

    @property
    def title(self) -> str:
        """The clean headline."""
        return self.headline.title


def is_report(sid: int) -> bool:
    """Whether story `sid` is a templated market report."""
    return sid % REPORT_EVERY == REPORT_SLOT


def story_head(seed: int, sid: int) -> StoryHead:
    """Kind, topic, portals and copy times of story `sid` (cheap: a handful of draws)."""
    rng = Random(f"{seed}:{sid}")
    first = NOW_TS - FIRST_OFFSET - sid * GAP - rng.randint(0, 30 * 60)
    if is_report(sid):
        kind, topic = "report", "report"
        count = 2 if rng.random() < 0.25 else 1
    else:
        kind, topic = "news", rng.choice(newstext.TOPICS)
        roll = rng.random()
        count = 1 if roll < 0.6 else 2 if roll < 0.85 else 3
    portals = tuple(rng.sample(PORTALS, count))
    latest = NOW_TS - 60
    times = (first, *(min(first + rng.randint(3 * 60, 6 * 3600), latest) for _ in portals[1:]))
    return StoryHead(sid, kind, topic, portals, times)


def story_blurb(seed: int, head: StoryHead) -> tuple[str, str]:
    """Title and lead only (listings need no more): the first draws of `story_headline`'s stream."""
    rng = Random(f"{seed}:{head.sid}:text")
    title, cast, report = _begin(rng, head)
    return title, report[0] if report is not None else newstext.news_lead(rng, head.topic, cast)


def story_headline(seed: int, head: StoryHead) -> Headline:
    """Title, lead, outlet and authors of `head`'s story (from `Random(f"{seed}:{sid}:text")`)."""
    rng = Random(f"{seed}:{head.sid}:text")
    title, cast, report = _begin(rng, head)
    published = datetime.fromtimestamp(head.times[0], CST)
    if report is not None:
        outlet = rng.choice(reports.REPORT_OUTLETS)
        return Headline(title, report[0], outlet, (), _dateline(outlet, published), {}, tuple(report[1:]))
    lead = newstext.news_lead(rng, head.topic, cast)
    outlet = rng.choice(vocab.OUTLETS)
    authors = tuple(rng.sample(vocab.REPORTERS, rng.choice((0, 1, 1, 1, 2, 2))))
    return Headline(title, lead, outlet, authors, _dateline(outlet, published), cast, None)


def _begin(rng: Random, head: StoryHead) -> tuple[str, dict[str, str], list[str] | None]:
    """The title, the cast of a news story, and a report's paragraphs (drawn together with its title)."""
    published = datetime.fromtimestamp(head.times[0], CST)
    if head.kind == "report":
        title, paragraphs = reports.report_text(rng, _report_template(head.sid), market_day(published))
        return title, {}, paragraphs
    cast = newstext.draw_cast(rng, published.month, published.day)
    return newstext.news_title(rng, head.topic, cast), cast, None


def story_text(seed: int, head: StoryHead, headline: Headline) -> StoryText:
    """The canonical text of `head`'s story; news bodies continue from `Random(f"{seed}:{sid}:body")`."""
    if headline.rest is not None:
        return StoryText(headline, (headline.lead, *headline.rest))
    rng = Random(f"{seed}:{head.sid}:body")
    rest = newstext.news_paragraphs(rng, head.topic, headline.cast, rng.randint(3, 9))
    return StoryText(headline, (headline.lead, *rest))


def _dateline(outlet: str, published: datetime) -> str:
    return vocab.OUTLET_DATELINES[outlet].format(m=published.month, d=published.day)


def market_day(published: datetime) -> date:
    """The trading day a report published at `published` describes."""
    return (published - MARKET_CLOSE).date()


def _report_template(sid: int) -> int:
    return (sid // REPORT_EVERY) % len(reports.REPORT_TEMPLATES)
