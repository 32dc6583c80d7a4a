"""The local sample portal network: three imitated Chinese finance portals on 127.0.0.1 with known truth.

    from sampleportals import SampleNetwork, PORTALS
    net = SampleNetwork(articles=300, seed=1, faults=False, port=0).start()
    net.start_urls   # {"dede": "http://127.0.0.1:.../", "phpcms": ..., "txjr": ...}
    net.truth()      # one dict per article page (docs/contract.md clean values)
    net.stop()

Everything is derived from the seed (no page is stored): the index and each story's title and lead
excerpt when the network is made (`catalog.py`), the rest on demand. See `stories.py` for the
content, `copies.py` for reprint drift and page damage, `faults.py` for misbehaviour, and the portal
modules (`dede.py`, `phpcms.py`, `txjr.py`) for URL schemes and markup.

Serving: one background thread by default; `SampleNetwork(workers=3)` (or 2) serves the portals
from worker processes instead (`workers.py`). `benchmarks/portals.py` measures both.
"""

from __future__ import annotations

from sampleportals.copies import TRUTH_FIELDS
from sampleportals.faults import HEALTHY, FaultRates
from sampleportals.network import SampleNetwork, serve_forever
from sampleportals.sites import PORTALS

__all__ = ["HEALTHY", "PORTALS", "TRUTH_FIELDS", "FaultRates", "SampleNetwork", "serve_forever"]
