"""Shared fixtures: the local sample portal network (everything on 127.0.0.1), an empty database of each
supported kind, and the garbage collector as a test found it (`unfrozen`)."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from crawler import db
from sampleportals import SampleNetwork
from tests.services import drop_schema, service_url


@pytest.fixture(scope="session")
def sample_network() -> Iterator[SampleNetwork]:
    """A healthy network of 120 stories (~180 article pages) on free ports, shared by the session."""
    network = SampleNetwork(articles=120, seed=1, faults=False, port=0).start()
    yield network
    network.stop()


@pytest.fixture
def make_sample_network() -> Iterator[Callable[..., SampleNetwork]]:
    """Factory of started networks, stopped after the test: `make_sample_network(faults=True, slow_seconds=1)`.

    Defaults: articles=120, seed=1, port=0; any `SampleNetwork` keyword can be overridden.
    """
    started: list[SampleNetwork] = []

    def make(**options: Any) -> SampleNetwork:
        settings: dict[str, Any] = {"articles": 120, "seed": 1, "port": 0, **options}
        network = SampleNetwork(**settings).start()
        started.append(network)
        return network

    yield make
    for network in started:
        network.stop()


@pytest.fixture
def faulty_network(make_sample_network: Callable[..., SampleNetwork]) -> SampleNetwork:
    """A fresh network of 120 stories with every fault on at the default rates (slow answers take 5 s)."""
    return make_sample_network(faults=True)


@pytest.fixture
def redis_crawl() -> Iterator[tuple[str, str]]:
    """The machine's Redis URL and a crawl key of this test's own (`finnews-test:<hex>`); every key under
    it is deleted after the test. Skips (fails with FINNEWS_REQUIRE_SERVICES=1) without Redis."""
    import uuid

    import redis

    from tests.services import service_url

    url = service_url("redis")
    key = f"finnews-test:{uuid.uuid4().hex[:12]}"
    yield url, key
    server = redis.Redis.from_url(url)
    stale = list(server.scan_iter(match=f"{key}:*"))
    if stale:
        server.delete(*stale)
    server.close()


@pytest.fixture(params=["sqlite", "postgresql", "mysql"])
def engine(request: pytest.FixtureRequest, tmp_path: Any) -> Any:
    """An empty finnews database: SQLite, and the machine's PostgreSQL and MariaDB (see tests/services.py)."""
    url = f"sqlite:///{tmp_path}/sub/finnews.db" if request.param == "sqlite" else service_url(request.param)
    if request.param != "sqlite":
        drop_schema(url)
    engine = db.make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def unfrozen() -> Iterator[None]:
    """Nothing frozen out of the garbage collector when the test starts (`crawler.heap`); its thresholds and nothing
    frozen again after it."""
    thresholds = gc.get_threshold()
    gc.unfreeze()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)
