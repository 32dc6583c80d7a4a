"""One crawl split between processes: a Scrapy scheduler whose request queue, leases and seen set live in Redis.

With FINNEWS_REDIS_URL set, `scrapy crawl portal ...` processes started with the same arguments (on one
machine or several) are one crawl: every request goes through one shared queue and one shared set of
request fingerprints, so each page is fetched by one process only, and the process that takes a request
runs its callback. Without FINNEWS_REDIS_URL nothing here is used and Scrapy's own scheduler runs.
Why this and not scrapy-redis: docs/distributed.md.

Redis keys, under the crawl's key (FINNEWS_REDIS_KEY, default `finnews:portal:<profiles>:<start URLs' hash>`):

    <key>:queue      sorted set: requests as JSON (`encode_request`), by priority, first in first out
    <key>:leases     sorted set: requests taken by a process, scored by the time their lease runs out
    <key>:seen       set: fingerprints of the requests scheduled so far (Scrapy's REQUEST_FINGERPRINTER)
    <key>:sequence   counter giving the queue its order
    <key>:workers    sorted set: the processes of the crawl, each with the time its presence expires
    <key>:listings   hash: listing pages queued per portal, against FINNEWS_MAX_LISTING_PAGES (for the crawl)
    <key>:next:<portal>  the portal's next free moment (SharedPortalDelayMiddleware)
    <key>:held:<portal>  the end of the portal's hold: a Retry-After one process waited out, for all of them
    <key>:slowed:<portal>  the delay between a blocked portal's requests, for all processes (a minute at least)

**Nothing taken is lost.** Taking a request moves it from the queue to the leases; the process renews the
leases it holds every FINNEWS_REDIS_LEASE_SECONDS / 4 and releases one only once Scrapy is done with it: its
callback ran, the requests it yielded are in the queue and its items went through the pipelines (stored).
A lease that runs out (its process died, or hangs) goes back to the queue, so a killed process's pages are
fetched by another. A process stops once the queue has been empty, *and no process held a lease*, for
FINNEWS_REDIS_IDLE_SECONDS: another process's page may yet yield requests.

**A crawl's state never blocks the next.** A process's presence expires FINNEWS_REDIS_LEASE_SECONDS after
its last renewal. The first process of a crawl (none other present) finds either nothing left to do (the
keys of a finished crawl, or none) and starts afresh, or an interrupted crawl (requests queued or leased by
processes that are gone) and resumes it: it fetches only what was not done. The last process out of a
finished crawl removes the keys.

Requests are JSON data (url, callback and errback names, priority, JSON-plain meta and `cb_kwargs`; a
`Profile` by name, an `Article` by its fields), never pickles: whoever can write to the Redis can make the
crawl fetch pages of the portals in scope, not run code. Redis is called from a thread of the scheduler's
own, never on the event loop: the engine takes requests from a local buffer of leased ones.
"""

from crawler.distributed.keys import LISTING_CAP, configure, crawl_key
from crawler.distributed.politeness import SharedPortalDelayMiddleware
from crawler.distributed.scheduler import POLL_SECONDS, RedisScheduler
from crawler.distributed.wire import decode_request, encode_request

__all__ = [
    "LISTING_CAP", "POLL_SECONDS", "RedisScheduler", "SharedPortalDelayMiddleware", "configure", "crawl_key",
    "decode_request", "encode_request",
]  # fmt: skip
