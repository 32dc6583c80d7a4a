"""The machine's database and Redis services for tests: their URLs, or a skip with the reason.

On a user's machine without a service its tests skip and say why; CI sets FINNEWS_REQUIRE_SERVICES=1,
which turns that skip into a failure.
"""

from __future__ import annotations

import os
import socket

import pytest

SERVICES = {
    "postgresql": ("127.0.0.1", 5432, "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
    "mysql": ("127.0.0.1", 3306, "mysql+pymysql://root@127.0.0.1:3306/test?charset=utf8mb4"),
    "redis": ("127.0.0.1", 6379, "redis://127.0.0.1:6379/0"),
}


def service_url(name: str) -> str:
    """The URL of service `name` (env `FINNEWS_TEST_<NAME>_URL` overrides); skips if it is not listening."""
    host, port, default = SERVICES[name]
    url = os.environ.get(f"FINNEWS_TEST_{name.upper()}_URL", default)
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError as exc:
        reason = f"{name} is not reachable at {host}:{port} ({exc})"
        if os.environ.get("FINNEWS_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{reason}, and FINNEWS_REQUIRE_SERVICES=1 forbids skipping")
        pytest.skip(reason)
    return url
