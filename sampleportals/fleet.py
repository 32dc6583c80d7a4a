"""`PortalFleet`: many sample portals on 127.0.0.1 from one server thread, and their portal list.

A user follows tens to hundreds of portals (`scrapy crawl portal -a portals=FILE`); the fleet imitates
that on loopback. Portals come three at a time (dede, phpcms, txjr), each three from a story book of
their own (seeds `seed`, `seed + 1`, ...): a story's copies are reprints within its three portals only.
All of them listen on free ports of 127.0.0.1 and are served by one thread (`ServerThread`).

    with PortalFleet(50, articles=20) as fleet:
        fleet.write_list("portals.txt")   # "http://127.0.0.1:PORT/ dede00" per portal
        fleet.truth()                     # the truth of every article page, `site` the portal's name
"""

from __future__ import annotations

from collections.abc import Iterator
from os import PathLike
from types import TracebackType
from typing import Any

from sampleportals.catalog import StoryBook
from sampleportals.faults import HEALTHY, FaultPlan
from sampleportals.network import HOST, SITE_CLASSES
from sampleportals.server import PortalServer, ServerThread
from sampleportals.site import Site
from sampleportals.sites import PORTALS


class PortalFleet:
    """`count` healthy sample portals named `dede00`, `phpcms00`, `txjr00`, `dede01`, ... (`articles`
    stories per book of three portals)."""

    def __init__(self, count: int, articles: int = 20, seed: int = 1) -> None:
        self.sites: dict[str, Site] = {}
        for number in range(count):
            book_number, kind = divmod(number, len(PORTALS))
            if kind == 0:
                book = StoryBook(seed + book_number, articles)
            name = PORTALS[kind]
            self.sites[f"{name}{book_number:02d}"] = SITE_CLASSES[name](book, FaultPlan(seed, name, HEALTHY))
        self._thread: ServerThread | None = None
        self.ports: dict[str, int] = {}

    def start(self) -> PortalFleet:
        """Start serving; returns once every portal listens."""
        if self._thread is None:
            servers = [PortalServer(site, slow_seconds=5.0) for site in self.sites.values()]
            self._thread = ServerThread(servers, [0] * len(servers), HOST)
            self.ports = dict(zip(self.sites, self._thread.start(), strict=True))
        return self

    def stop(self) -> None:
        """Stop serving (idempotent)."""
        if self._thread is not None:
            self._thread.stop()
            self._thread = None

    def __enter__(self) -> PortalFleet:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def start_urls(self) -> dict[str, str]:
        """Portal name -> home page URL (once started)."""
        return {name: f"http://{HOST}:{port}/" for name, port in self.ports.items()}

    def write_list(self, path: str | PathLike[str]) -> None:
        """Write the fleet's portal list (`crawler/profiles/portal_list.py`): a start URL and a name a line."""
        lines = [f"{url} {name}" for name, url in self.start_urls.items()]
        with open(path, "w", encoding="utf-8") as out:
            out.write("# the sample portal fleet\n" + "\n".join(lines) + "\n")

    def iter_truth(self) -> Iterator[dict[str, Any]]:
        """The truth of every article page, portal by portal; `site` is the portal's name in the list."""
        for name, url in self.start_urls.items():
            for record in self.sites[name].iter_truth(url.rstrip("/")):
                yield record | {"site": name}

    def truth(self) -> list[dict[str, Any]]:
        return list(self.iter_truth())
