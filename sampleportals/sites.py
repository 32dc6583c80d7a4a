"""The three portals as data: names, encodings, channels and which topics each channel carries."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from importlib import resources
from pathlib import Path


def _profile_dir() -> Path:
    folder = resources.files(__package__ or "sampleportals") / "profiles"
    if not isinstance(folder, Path):  # a zipped install: a crawl in another process needs a real folder
        raise RuntimeError(f"the sample portals' profiles are not in a folder: {folder}")
    return folder


#: The portal profiles of the sample portals (`dede.toml`, ...), at their default ports (8601-8603):
#: give this folder to a crawl as FINNEWS_PROFILE_DIRS (`SampleNetwork.crawl_arguments()` does).
PROFILE_DIR = _profile_dir()
#: The profile of kuaibao, the portal found through its sitemap, feed and JSON listing (`KUAIBAO`): a folder of
#: its own, so that `-a site=all` over PROFILE_DIR still means the three portals.
DISCOVERY_PROFILE_DIR = PROFILE_DIR / "discovery"


@dataclass(frozen=True)
class Channel:
    """One listing channel of a portal."""

    key: str  # the path segment: /news/, /html/finance/, /zixun/
    name: str  # the breadcrumb / nav name, the clean `category`
    number: int  # the CMS's numeric id (dede typeid, phpcms catid)
    topics: tuple[str, ...]  # story topics (see newstext.TOPICS, plus "report") filed here


@dataclass(frozen=True)
class PortalSpec:
    """What differs between portals besides markup (markup lives in the `render_*` modules)."""

    name: str
    site_name: str
    codec: str  # how the bytes are encoded
    charset: str  # what the page declares
    page_size: int  # articles per listing page
    channels: tuple[Channel, ...]
    aid_base: int  # first article id
    shows_seconds: bool  # the meta line's time has seconds
    indent_rate: float  # share of pages whose paragraphs start with an indent
    nav_only: tuple[tuple[str, str], ...] = ()  # (key, name) of nav channels without articles
    reprint_notice: bool = False  # every article page carries a 声明 that it is another medium's article

    def channel_of(self, topic: str) -> int:
        """Index of the channel that files `topic`."""
        for index, channel in enumerate(self.channels):
            if topic in channel.topics:
                return index
        raise KeyError(topic)


DEDE = PortalSpec(
    name="dede",
    site_name="财经快讯网",
    codec="utf-8",
    charset="utf-8",
    page_size=15,
    channels=(
        Channel("news", "财经", 5, ("policy", "consumer", "energy", "company")),
        Channel("stock", "股票", 7, ("stock", "fund", "report")),
        Channel("bank", "银行", 9, ("bank", "insurance")),
    ),
    aid_base=1001,
    shows_seconds=False,
    indent_rate=0.2,
)

PHPCMS = PortalSpec(
    name="phpcms",
    site_name="金融观察网",
    codec="gb18030",
    charset="gb2312",
    page_size=20,
    channels=(
        Channel("finance", "金融", 11, ("bank", "insurance", "policy")),
        Channel("stock", "股市", 12, ("stock", "company", "report")),
        Channel("licai", "理财", 6, ("fund", "consumer", "energy")),
    ),
    aid_base=5001,
    shows_seconds=False,
    indent_rate=0.6,
)

TXJR = PortalSpec(
    name="txjr",
    site_name="天下金融网",
    codec="utf-8",
    charset="utf-8",
    page_size=18,
    channels=(
        Channel("zixun", "资讯", 1, ("policy", "energy", "consumer", "company")),
        Channel("licai", "理财", 3, ("fund", "stock", "report", "insurance")),
        Channel("yinhang", "银行", 11, ("bank",)),
    ),
    aid_base=30001,
    shows_seconds=True,
    indent_rate=0.15,
    reprint_notice=True,
    nav_only=(
        ("caijing", "财经"),
        ("xiaofei", "消费"),
        ("chanye", "产业"),
        ("jijin", "基金"),
        ("gupiao", "股票"),
        ("waihui", "外汇"),
        ("qihuo", "期货"),
        ("qiye", "企业"),
        ("hangqing", "行情"),
    ),
)

SPECS: dict[str, PortalSpec] = {spec.name: spec for spec in (DEDE, PHPCMS, TXJR)}
PORTALS: tuple[str, ...] = tuple(SPECS)

#: 财经快报网 (`kuaibao.py`): a portal whose HTML listings are empty; its sitemap, RSS feed and JSON listing
#: name its articles. It reprints stories of the three portals above (`REPRINTS_EVERY`), so it changes
#: nothing of theirs: served only by `SampleNetwork(discovery=True)`.
KUAIBAO = dataclasses.replace(DEDE, name="kuaibao", site_name="财经快报网", aid_base=70001)  # DedeCMS-like too
#: Every `REPRINTS_EVERY`th story (sid 1, 4, 7 ...) is reprinted on kuaibao, `REPRINT_DELAY` seconds or more
#: after its first copy.
REPRINTS_EVERY = 3
REPRINT_DELAY = 2 * 3600
