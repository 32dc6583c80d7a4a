"""A readable snapshot of a sample portal network's output, pinned in tests/fixtures/sampleportals/.

Shipped figures and recorded results assume the same content per seed, so speed-ups must not change it.
The snapshot holds the truth (one JSON record a line) and every page's status, content type and length
(one line per page, in crawl order), so a change names the story or page it touched. A deliberate
content change rewrites the snapshot and says why in its commit: `python -m tests.portal_snapshot`.
"""

from __future__ import annotations

import json
from pathlib import Path

from sampleportals import SampleNetwork

FOLDER = Path(__file__).resolve().parent / "fixtures" / "sampleportals"

#: The networks pinned, by snapshot name: a healthy one and a faulty one of another seed.
NETWORKS = {
    "seed1": {"articles": 30, "seed": 1, "port": 9100},
    "seed2-faults": {"articles": 30, "seed": 2, "port": 9100, "faults": True},
}


def truth_lines(network: SampleNetwork) -> list[str]:
    return [json.dumps(record, ensure_ascii=False, sort_keys=True) for record in network.iter_truth()]


def page_lines(network: SampleNetwork) -> list[str]:
    """`portal target status content-type length` of every page of an unstarted network."""
    lines = []
    for name, site in network.sites.items():
        targets = ["/", "/robots.txt"]
        for channel in range(len(site.spec.channels)):
            targets += [site.listing_path(channel, page) for page in range(1, site.index.page_count(channel) + 1)]
        targets += [site.article_path(site.index.slot(local)) for local in range(len(site.index))]
        for target in targets:
            page = site.handle(target)
            lines.append(f"{name}\t{target}\t{page.status}\t{page.content_type}\t{len(page.body)}")
    return lines


def pinned(name: str, kind: str) -> list[str]:
    """The pinned lines of snapshot `name`, `kind` "truth" or "pages"."""
    suffix = "truth.jsonl" if kind == "truth" else "pages.tsv"
    return (FOLDER / f"{name}.{suffix}").read_text(encoding="utf-8").splitlines()


def write() -> None:
    """Rewrite every snapshot from the current code."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    for name, options in NETWORKS.items():
        network = SampleNetwork(**options)  # type: ignore[arg-type]
        (FOLDER / f"{name}.truth.jsonl").write_text("\n".join(truth_lines(network)) + "\n", encoding="utf-8")
        (FOLDER / f"{name}.pages.tsv").write_text("\n".join(page_lines(network)) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write()
