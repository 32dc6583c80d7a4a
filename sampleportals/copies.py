"""One copy of a story on one portal: its drift (what reprinting changed) and damage (how the page
mangles it), decided from `Random(f"{seed}:{sid}:{portal}")`.

A `Copy` holds the *clean* values first; the renderers damage them into HTML and `Copy.truth` states
them as docs/contract.md defines them. Nothing here ever parses HTML.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from random import Random
from statistics import NormalDist
from typing import Any, NamedTuple

from sampleportals import vocab
from sampleportals.seeding import unit
from sampleportals.sites import PortalSpec
from sampleportals.stories import CST, StoryHead, StoryText

_ASCII_PUNCTUATION: tuple[tuple[str, str], ...] = (
    ("，", ","), ("：", ":"), ("；", ";"), ("（", "("), ("）", ")"), ("！", "!"), ("？", "?"),
)  # fmt: skip
# A single ASCII space between CJK and Latin/digits, the way some editors "fix" reprints:
# "增长5.2%" -> "增长 5.2%", "A股" -> "A 股".
_CJK_THEN_LATIN = re.compile(r"(?<=[\u4e00-\u9fff])(?=[A-Za-z0-9])")
_LATIN_THEN_CJK = re.compile(r"(?<=[A-Za-z0-9%])(?=[\u4e00-\u9fff])")
_VIEWS = NormalDist(7.5, 1.3)
#: The Article contract fields a truth record states (beside its `url` and reprint `group`): what a crawl
#: of the sample portals must get exactly right.
TRUTH_FIELDS = (
    "site", "title", "published_at", "source", "author", "editor", "views", "body", "images", "category",
    "reprint_notice",
)  # fmt: skip  # read counts: median ~1,800, a long tail to six figures


class Slot(NamedTuple):
    """Where a copy sits on its portal."""

    portal: PortalSpec
    local: int  # position in the portal's newest-first order
    aid: int  # the CMS article id in the URL
    channel: int
    time: int  # publication time, epoch seconds


class Damage(NamedTuple):
    """How the page mangles the clean values (the truth does not change)."""

    entities: str  # "" | "lost" (mdash;mdash;) | "escaped" (&mdash;&mdash;)
    double_paste: bool  # the whole body is written twice
    meta_width: str  # "" | "punct" (2024－09－03 11：54) | "digits" (full-width digits too)
    indent: str  # "" | "ideographic" (\u3000\u3000) | "nbsp" (4 x nbsp before each paragraph)
    br_paragraphs: bool  # paragraphs separated by <br /> instead of <p> (dede)


class Copy(NamedTuple):
    """A story as one portal publishes it: clean values plus how to present and damage them."""

    slot: Slot
    group: str
    kind: str
    title: str
    paragraphs: tuple[str, ...]  # clean body, drift included
    shown_source: str | None  # the 来源 value printed (None: no 来源 at all)
    source_style: str  # "plain" | "link" | "gaoyuan" | "glued" (来源:千龙网作者:张三, only with 作者:)
    authors: tuple[str, ...]  # the names printed (empty: no author)
    author_style: str  # "作者" | "记者" | "文/"
    author_separator: str  # between several names: "、" or " "
    editor: str | None
    editor_line: bool  # body ends with (责任编辑:孙悦)
    editor_meta: bool  # the meta line carries 责任编辑:孙悦
    views: int
    views_shown: bool
    image: bool  # the body starts with one <img>
    ascii_punctuation: bool
    damage: Damage

    @property
    def published(self) -> datetime:
        """Publication time in Beijing time, as precise as the page shows it."""
        exact = datetime.fromtimestamp(self.slot.time, CST)
        return exact if self.slot.portal.shows_seconds else exact.replace(second=0)

    @property
    def category(self) -> str:
        """The breadcrumb channel name."""
        return self.slot.portal.channels[self.slot.channel].name

    @property
    def source(self) -> str | None:
        """The clean `source`: null for anonymous values and the portal's own name."""
        shown = self.shown_source
        if shown is None or shown in vocab.ANONYMOUS_SOURCES or shown == self.slot.portal.site_name:
            return None
        return shown

    @property
    def editor_text(self) -> str:
        """The appended editor line, in the copy's punctuation: (责任编辑:孙悦)."""
        line = f"（责任编辑：{self.editor}）"
        return to_ascii_punctuation(line) if self.ascii_punctuation else line

    def truth(self, base_url: str, article_path: str, image_path: str) -> dict[str, Any]:
        """The ground-truth record of this page (docs/contract.md field by field)."""
        return {
            "url": base_url + article_path,
            "group": self.group,
            "site": self.slot.portal.name,
            "title": self.title,
            "published_at": self.published.isoformat(),
            "source": self.source,
            "author": "、".join(self.authors) or None,
            "editor": self.editor if (self.editor_line or self.editor_meta) else None,
            "views": self.views if self.views_shown else None,
            "body": "\n".join(self.paragraphs),
            "images": [base_url + image_path] if self.image else [],
            "category": self.category,
            "reprint_notice": self.slot.portal.reprint_notice,
        }


def views_of(seed: int, portal: str, sid: int) -> int:
    """The read count of story `sid` on `portal` (what the count script answers)."""
    return int(math.exp(_VIEWS.inv_cdf(max(unit(seed, portal, "views", sid), 1e-9)))) + 1


def make_copy(seed: int, head: StoryHead, text: StoryText, slot: Slot) -> Copy:
    """Decide drift and damage of `text` on `slot.portal` and return the copy with its clean values."""
    spec = slot.portal
    rng = Random(f"{seed}:{head.sid}:{spec.name}")
    is_origin = head.portals[0] == spec.name
    ascii_punctuation = rng.random() < 0.35
    paragraphs = _drifted_paragraphs(rng, text, is_origin, ascii_punctuation)
    if not is_origin:  # its own stream, so that adding this drift left every other decision as it was
        paragraphs = _resplit(Random(f"{seed}:{head.sid}:{spec.name}:resplit"), paragraphs)
    authors = text.headline.authors if rng.random() >= 0.2 else ()
    author_style = rng.choice(("作者", "作者", "记者", "文/"))
    shown_source, source_style = _source(rng, text.headline.outlet, spec, bool(authors) and author_style == "作者")
    editor = rng.choice(vocab.EDITORS)
    editor_line, editor_meta = rng.random() < 0.35, rng.random() < 0.15
    return Copy(
        slot=slot,
        group=head.group,
        kind=head.kind,
        title=text.title,
        paragraphs=paragraphs,
        shown_source=shown_source,
        source_style=source_style,
        authors=authors,
        author_style=author_style,
        author_separator=rng.choice(("、", " ")),
        editor=editor,
        editor_line=editor_line,
        editor_meta=editor_meta,
        views=views_of(seed, spec.name, head.sid),
        views_shown=rng.random() >= 0.08,
        image=rng.random() < 0.15,
        ascii_punctuation=ascii_punctuation,
        damage=_damage(rng, spec),
    )


def _drifted_paragraphs(rng: Random, text: StoryText, is_origin: bool, ascii_punctuation: bool) -> tuple[str, ...]:
    """The copy's clean paragraphs: punctuation, spacing, dateline and a dropped last paragraph."""
    paragraphs = list(text.paragraphs)
    if not is_origin and len(paragraphs) > 4 and rng.random() < 0.3:
        paragraphs.pop()
    if ascii_punctuation:
        paragraphs = [to_ascii_punctuation(p) for p in paragraphs]
    if rng.random() < 0.2:
        paragraphs = [space_cjk_latin(p) for p in paragraphs]
    if rng.random() < 0.3:
        paragraphs[0] = text.headline.dateline + paragraphs[0]
    return tuple(paragraphs)


def _resplit(rng: Random, paragraphs: tuple[str, ...]) -> tuple[str, ...]:
    """Paragraph breaks moved, as pasting into another CMS does: two paragraphs joined into one, or
    one split after a sentence.

    >>> _resplit(Random(14), ("甲。乙。", "丙。")), _resplit(Random(1), ("甲。乙。", "丙。"))
    (('甲。乙。丙。',), ('甲。', '乙。', '丙。'))
    """
    roll = rng.random()
    if roll < 0.12 and len(paragraphs) > 1:
        i = rng.randrange(len(paragraphs) - 1)
        return (*paragraphs[:i], paragraphs[i] + paragraphs[i + 1], *paragraphs[i + 2 :])
    if roll < 0.25:
        cuts = [(i, m.end()) for i, p in enumerate(paragraphs) for m in re.finditer("。", p) if m.end() < len(p)]
        if cuts:
            i, cut = rng.choice(cuts)
            return (*paragraphs[:i], paragraphs[i][:cut], paragraphs[i][cut:], *paragraphs[i + 1 :])
    return paragraphs


def to_ascii_punctuation(text: str) -> str:
    """Full-width commas, colons, semicolons, brackets, ! and ? as ASCII (。、“” stay).

    >>> to_ascii_punctuation("据悉，A股（沪市）：涨。")
    '据悉,A股(沪市):涨。'
    """
    for full, ascii_ in _ASCII_PUNCTUATION:
        text = text.replace(full, ascii_)
    return text


def space_cjk_latin(text: str) -> str:
    """Put one ASCII space between CJK characters and Latin letters/digits.

    >>> space_cjk_latin("A股上涨5.2%的个股")
    'A 股上涨 5.2% 的个股'
    """
    return _LATIN_THEN_CJK.sub(" ", _CJK_THEN_LATIN.sub(" ", text))


def _source(rng: Random, outlet: str, spec: PortalSpec, can_glue: bool) -> tuple[str | None, str]:
    """What the 来源 label shows and how it is written ("glued" only before an `作者:` label)."""
    roll = rng.random()
    if roll < 0.07:
        return rng.choice(vocab.ANONYMOUS_SOURCES), "plain"
    if roll < 0.11:
        return spec.site_name, "plain"
    if roll < 0.15:
        return None, "plain"
    style = rng.choice(("plain", "plain", "plain", "link", "gaoyuan", "glued" if can_glue else "plain"))
    return outlet, style


def _damage(rng: Random, spec: PortalSpec) -> Damage:
    entities_roll, width_roll = rng.random(), rng.random()
    indent = rng.choice(("ideographic", "ideographic", "nbsp")) if rng.random() < spec.indent_rate else ""
    return Damage(
        entities="lost" if entities_roll < 0.2 else "escaped" if entities_roll < 0.4 else "",
        double_paste=rng.random() < 0.06,
        meta_width="punct" if width_roll < 0.05 else "digits" if width_roll < 0.08 else "",
        indent=indent,
        br_paragraphs=spec.name == "dede" and rng.random() < 0.12,
    )
