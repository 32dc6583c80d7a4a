"""Which URLs misbehave and how: decided by a hash of (seed, portal, URL), so the truth never changes.

Transient faults hit only the *first* request of a URL (the server counts attempts); a crawler that
retries (Scrapy's default RETRY_TIMES=2) still reaches every truth article. Listing pages may also link
pages that are not articles: 404s, attachments, robots-disallowed paths and one oversized page.
"""

from __future__ import annotations

from dataclasses import dataclass

from sampleportals.seeding import unit

TRANSIENT_KINDS: tuple[str, ...] = ("server_error", "slow", "reset", "truncated")


@dataclass(frozen=True)
class FaultRates:
    """Share of URLs (or of listing pages) hit by each fault. `HEALTHY` switches everything off."""

    server_error: float = 0.04  # article/listing URL: 500 or 503 on the first attempt
    slow: float = 0.02  # first attempt answers only after `slow_seconds`
    reset: float = 0.03  # first attempt: connection reset (RST) before any byte
    truncated: float = 0.03  # first attempt: Content-Length larger than the bytes sent, then close
    wrong_charset: float = 0.05  # article declares utf-8 but its bytes are GBK (permanent, still an article)
    redirect: float = 0.06  # listing links the article through a 301 + 302 chain
    dead_link: float = 0.3  # listing page carries an article-looking link that is 404 for good
    attachment: float = 0.2  # listing page links a .pdf and a .jpg
    robots: float = 0.2  # listing page links a page under robots-disallowed /private/
    oversized: bool = True  # the first listing page of the first channel links an oversized page

    def transient_total(self) -> float:
        """Share of URLs with some first-attempt fault."""
        return sum(getattr(self, kind) for kind in TRANSIENT_KINDS)


HEALTHY = FaultRates(0, 0, 0, 0, 0, 0, 0, 0, 0, oversized=False)


class FaultPlan:
    """The faults of one portal."""

    def __init__(self, seed: int, portal: str, rates: FaultRates) -> None:
        """Faults of `portal` at `rates`; `seed` varies which URLs are hit."""
        self.seed, self.portal, self.rates = seed, portal, rates

    @property
    def enabled(self) -> bool:
        """Whether anything can go wrong on this portal."""
        return self.rates != HEALTHY

    def transient(self, target: str) -> str | None:
        """The first-attempt fault of `target` (path + query), if any: a `TRANSIENT_KINDS` name."""
        if not self.rates.transient_total():
            return None
        roll = unit(self.seed, self.portal, "transient", target)
        for kind in TRANSIENT_KINDS:
            share = getattr(self.rates, kind)
            if roll < share:
                return kind
            roll -= share
        return None

    def error_status(self, target: str) -> int:
        """500 or 503 for a `server_error` target."""
        return 503 if unit(self.seed, self.portal, "status", target) < 0.5 else 500

    def wrong_charset(self, aid: int) -> bool:
        """Whether article `aid` is GBK bytes declared as utf-8."""
        return self._hit("wrong_charset", aid)

    def redirected(self, aid: int) -> bool:
        """Whether listings link article `aid` through its redirect chain."""
        return self._hit("redirect", aid)

    def listing_extras(self, channel: int, page: int) -> tuple[str, ...]:
        """Non-article links on a listing page: "dead_link", "attachment", "robots", "oversized"."""
        extras = [kind for kind in ("dead_link", "attachment", "robots") if self._hit(kind, f"{channel}/{page}")]
        if self.rates.oversized and channel == 0 and page == 1:
            extras.append("oversized")
        return tuple(extras)

    def _hit(self, kind: str, key: object) -> bool:
        share: float = getattr(self.rates, kind)
        return share > 0 and unit(self.seed, self.portal, kind, key) < share
