"""The local sample portal network: three imitated Chinese finance portals on 127.0.0.1 with known truth.

    from sampleportals import SampleNetwork, PORTALS
    net = SampleNetwork(articles=300, seed=1, faults=False, port=0).start()
    net.start_urls   # {"dede": "http://127.0.0.1:.../", "phpcms": ..., "txjr": ...}
    net.truth()      # one dict per article page (docs/contract.md clean values)
    net.crawl_arguments()  # `scrapy crawl portal` arguments: -a site=..., -a start_url=..., -s FINNEWS_PROFILE_DIRS,
                           # and the fast settings of a crawl of loopback servers (LOOPBACK_SETTINGS)
    net.stop()

Everything is derived from the seed (no page is stored): the index and each story's title and lead
excerpt when the network is made (`catalog.py`), the rest on demand. See `stories.py` for the
content, `copies.py` for reprint drift and page damage, `faults.py` for misbehaviour, and the portal
modules (`dede.py`, `phpcms.py`, `txjr.py`) for URL schemes and markup; `profiles/` holds their
finnews portal profiles at the default ports 8601-8603 (`PROFILE_DIR`). `SampleNetwork(discovery=True)`
adds a fourth, `kuaibao.py`, whose HTML listings are empty: its sitemap, feed and JSON listing name its
articles (reprints of the three's stories; its profile in `DISCOVERY_PROFILE_DIR`).

A package of its own, apart from the product `crawler/` (which never imports it, save the CLI's `demo` and
`sample-portals` commands), installed with it so that `finnews demo` works anywhere.

Serving: one background thread by default; `SampleNetwork(workers=3)` (or 2) serves the portals
from worker processes instead (`workers.py`). `benchmarks/portals.py` measures both.
"""

from __future__ import annotations

from sampleportals.copies import TRUTH_FIELDS
from sampleportals.crawling import LOOPBACK_SETTINGS, loopback_arguments
from sampleportals.faults import HEALTHY, FaultRates
from sampleportals.network import SampleNetwork, serve_forever
from sampleportals.sites import DISCOVERY_PROFILE_DIR, PORTALS, PROFILE_DIR

__all__ = [
    "DISCOVERY_PROFILE_DIR", "HEALTHY", "LOOPBACK_SETTINGS", "PORTALS", "PROFILE_DIR", "TRUTH_FIELDS", "FaultRates", "SampleNetwork",
    "loopback_arguments", "serve_forever",
]  # fmt: skip
