"""How the tests, the demo and the benchmarks crawl local servers: fast, where the product's defaults are polite.

finnews' own defaults (`crawler/settings.py`) suit a small real portal: AutoThrottle, a delay, two requests
at a time per site. Servers of our own on 127.0.0.1 need none of that; these settings, in this one place,
are what every loopback crawl (sample portals, hostile portal, hand-written test portals) passes with `-s`.
"""

from __future__ import annotations

#: Scrapy settings of a crawl of local servers: no AutoThrottle, no delay, the concurrency a loopback
#: server takes (the polite defaults would make the test suite and benchmarks minutes slower).
LOOPBACK_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
    "FINNEWS_BLOCKED_DELAY": "0.05",  # the back-off after a challenge page (a test's seconds, not a portal's)
}


def loopback_arguments() -> list[str]:
    """`LOOPBACK_SETTINGS` as `scrapy crawl` arguments (`-s NAME=VALUE` each).

    >>> loopback_arguments()[:2]
    ['-s', 'AUTOTHROTTLE_ENABLED=False']
    """
    return [argument for name, value in LOOPBACK_SETTINGS.items() for argument in ("-s", f"{name}={value}")]
