"""Which story sits where: per-portal newest-first order, channels and listing pages.

The index holds a few integers per copy (story id, time, channel), built once from the cheap
`story_head`s; texts and pages are derived on demand by `StoryBook` with bounded caches.
Listing page `p` of a channel is plain arithmetic over the channel's member list.

One thing per story is drawn up front: its title and the start of its lead (`Blurbs`). Listing
pages and side lists show 15-20 of them each, and drawing one costs as much as serving a small
page (a seeded Mersenne Twister and the story's cast), so serving them on demand would cap a
first-visit crawl at about a thousand listing pages per second.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from functools import lru_cache
from itertools import permutations
from typing import Any

from sampleportals.copies import Copy, Slot, make_copy
from sampleportals.newstext import TOPICS
from sampleportals.seeding import unit
from sampleportals.sites import KUAIBAO, PORTALS, REPRINT_DELAY, REPRINTS_EVERY, SPECS, PortalSpec
from sampleportals.stories import (
    NOW_TS,
    Headline,
    StoryHead,
    StoryText,
    is_report,
    story_blurb,
    story_head,
    story_headline,
    story_text,
)

CACHE_SIZE = 4096
SUMMARY_CHARS = 80  # the longest lead excerpt a listing prints (dede; txjr prints 60, phpcms none)
MAX_COPIES = 3  # a story appears on one to three portals
_TOPIC_CODES: tuple[str, ...] = (*TOPICS, "report")
_PORTAL_ORDERS: tuple[tuple[str, ...], ...] = tuple(
    order for count in range(1, MAX_COPIES + 1) for order in permutations(PORTALS, count)
)


class HeadTable:
    """Every story's `StoryHead` as a few integers: topic, portal order, copy times.

    Built once from `story_head`; afterwards a head costs a few array reads instead of a seeded `Random`.
    """

    def __init__(self) -> None:
        """An empty table: `append` heads in story order."""
        self.topics = array("b")
        self.orders = array("b")
        self.times = array("q")  # MAX_COPIES per story, unused ones 0

    def __len__(self) -> int:
        return len(self.topics)

    def append(self, head: StoryHead) -> None:
        """Record `head` (story ids must come in order: 0, 1, 2 ...)."""
        assert head.sid == len(self.topics)
        self.topics.append(_TOPIC_CODES.index(head.topic))
        self.orders.append(_PORTAL_ORDERS.index(head.portals))
        self.times.extend((*head.times, *(0,) * (MAX_COPIES - len(head.times))))

    def __getitem__(self, sid: int) -> StoryHead:
        """The head of story `sid`, equal to `story_head(seed, sid)`."""
        portals = _PORTAL_ORDERS[self.orders[sid]]
        start = sid * MAX_COPIES
        times = tuple(self.times[start : start + len(portals)])
        kind = "report" if is_report(sid) else "news"
        return StoryHead(sid, kind, _TOPIC_CODES[self.topics[sid]], portals, times)


class PortalIndex:
    """The copies of one portal, newest first (local index 0 is the newest)."""

    def __init__(self, spec: PortalSpec, entries: list[tuple[int, int, int]]) -> None:
        """`entries`: (publication time, story id, CMS article id) of every copy on this portal, any order."""
        self.spec = spec
        entries.sort(key=lambda entry: (-entry[0], entry[1]))
        self.sids = array("q", (sid for _, sid, _ in entries))
        self.times = array("q", (time for time, _, _ in entries))
        self.aids = array("q", (aid for _, _, aid in entries))
        self._locals = {aid: local for local, aid in enumerate(self.aids)}
        self.channels = array("b")
        self.members: list[array[int]] = [array("q") for _ in spec.channels]
        self.positions = array("q")

    def __len__(self) -> int:
        return len(self.sids)

    def assign_channels(self, topics: list[str]) -> None:
        """File local copy `i` in the channel of `topics[i]`."""
        for local, topic in enumerate(topics):
            channel = self.spec.channel_of(topic)
            self.channels.append(channel)
            self.positions.append(len(self.members[channel]))
            self.members[channel].append(local)

    def aid(self, local: int) -> int:
        """The CMS id of local copy `local` (copies published earlier have smaller ids)."""
        return self.aids[local]

    def local_of_aid(self, aid: int) -> int | None:
        """Inverse of `aid`; None for ids this portal never issued."""
        return self._locals.get(aid)

    def slot(self, local: int) -> Slot:
        """Where local copy `local` sits."""
        return Slot(self.spec, local, self.aid(local), self.channels[local], self.times[local])

    def page_count(self, channel: int) -> int:
        """Listing pages of `channel` (at least 1, even when empty)."""
        return max(1, -(-len(self.members[channel]) // self.spec.page_size))

    def listing(self, channel: int, page: int) -> array[int]:
        """Local indices on listing page `page` (1-based) of `channel`."""
        start = (page - 1) * self.spec.page_size
        return self.members[channel][start : start + self.spec.page_size]

    def neighbour(self, local: int, step: int) -> int | None:
        """The copy `step` positions further down the same channel (older for step > 0), if any."""
        members = self.members[self.channels[local]]
        position = self.positions[local] + step
        return members[position] if 0 <= position < len(members) else None


class Blurbs:
    """Title and lead excerpt of every story, drawn once (about 0.3 kB per story)."""

    def __init__(self) -> None:
        """An empty table: `append` stories in order."""
        self.titles: list[str] = []
        self.summaries: list[str] = []  # the lead's first SUMMARY_CHARS characters

    def append(self, title: str, lead: str) -> None:
        """Record the next story's title and lead."""
        self.titles.append(title)
        self.summaries.append(lead[:SUMMARY_CHARS])


class StoryBook:
    """All stories of one network, with bounded caches of what pages need repeatedly.

    `unpublished` more stories, the newest of all (ids 0 .. unpublished - 1), are held back until `publish`
    puts them on their portals, oldest first, as a portal publishes news between two crawls: they get the
    next article ids, and every story published before keeps its URL.
    """

    def __init__(self, seed: int, articles: int, unpublished: int = 0) -> None:
        """Build every portal's index from `articles` story heads (and draw the `unpublished` ones)."""
        self.seed = seed
        self.articles = articles
        self.unpublished = unpublished
        self.held_back = unpublished  # stories not published yet: ids 0 .. held_back - 1
        self.heads = HeadTable()
        self.blurbs = Blurbs()
        for sid in range(unpublished + articles):
            head = story_head(seed, sid)
            self.heads.append(head)
            self.blurbs.append(*story_blurb(seed, head))
        self.indexes = self._build_indexes()
        self._open_caches()

    def _open_caches(self) -> None:
        """Empty caches (also after unpickling: a worker process starts with its own)."""
        self.head = lru_cache(maxsize=CACHE_SIZE)(self.heads.__getitem__)
        self.headline = lru_cache(maxsize=CACHE_SIZE)(self._headline)
        self.text = lru_cache(maxsize=CACHE_SIZE)(self._text)
        self.copy = lru_cache(maxsize=CACHE_SIZE)(self._copy)

    def __getstate__(self) -> dict[str, Any]:
        """Pickle the seed, the index and the blurbs, not the caches (worker processes draw nothing twice)."""
        state = ("seed", "articles", "unpublished", "held_back", "heads", "blurbs", "indexes")
        return {name: getattr(self, name) for name in state}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._open_caches()

    def publish(self, count: int) -> int:
        """Publish the `count` oldest stories held back (fewer if fewer are left); returns how many. Callers
        drop what they cached of the indexes (`Site.reload`)."""
        count = max(0, min(count, self.held_back))
        self.held_back -= count
        self.indexes = self._build_indexes()
        self._open_caches()
        return count

    def _build_indexes(self) -> dict[str, PortalIndex]:
        """Each portal's index of the published stories. Article ids: the stories there from the start by
        time, oldest first, from the portal's `aid_base`; then those published later, in publication order."""
        specs = {**SPECS, KUAIBAO.name: KUAIBAO}
        entries: dict[str, list[tuple[int, int]]] = {name: [] for name in specs}
        for sid in range(self.held_back, self.unpublished + self.articles):
            head = self.heads[sid]
            for portal, time in zip(head.portals, head.times, strict=True):
                entries[portal].append((time, sid))
            if sid % REPRINTS_EVERY == 1:  # a reprint on kuaibao (a portal of its own: the others stay as they are)
                delay = REPRINT_DELAY + unit(self.seed, KUAIBAO.name, "delay", sid) * REPRINT_DELAY
                entries[KUAIBAO.name].append((min(int(head.times[0] + delay), NOW_TS - 60), sid))
        indexes = {}
        for name, found in entries.items():
            first = sorted((entry for entry in found if entry[1] >= self.unpublished), key=lambda e: (e[0], -e[1]))
            later = sorted((entry for entry in found if entry[1] < self.unpublished), key=lambda e: -e[1])
            base = specs[name].aid_base
            indexes[name] = index = PortalIndex(
                specs[name], [(time, sid, base + number) for number, (time, sid) in enumerate([*first, *later])]
            )
            index.assign_channels([self.heads[sid].topic for sid in index.sids])
        return indexes

    def title(self, sid: int) -> str:
        """The title of story `sid`."""
        return self.blurbs.titles[sid]

    def summary(self, sid: int) -> str:
        """The first `SUMMARY_CHARS` characters of the lead of story `sid` (what listings quote)."""
        return self.blurbs.summaries[sid]

    def _headline(self, sid: int) -> Headline:
        return story_headline(self.seed, self.head(sid))

    def _text(self, sid: int) -> StoryText:
        return story_text(self.seed, self.head(sid), self.headline(sid))

    def _copy(self, portal: str, local: int) -> Copy:
        index = self.indexes[portal]
        sid = index.sids[local]
        return make_copy(self.seed, self.head(sid), self.text(sid), index.slot(local))

    def copies(self, portal: str) -> Iterator[Copy]:
        """Every copy on `portal`, newest first (uncached: for truth files of any size)."""
        index = self.indexes[portal]
        for local, sid in enumerate(index.sids):
            head = self.heads[sid]
            text = story_text(self.seed, head, story_headline(self.seed, head))
            yield make_copy(self.seed, head, text, index.slot(local))
