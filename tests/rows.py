"""Article rows as the writer takes them, for the database tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from crawler.models import SHANGHAI
from crawler.reprints.fingerprint import fingerprint

NOW = datetime(2026, 11, 29, 20, 0, tzinfo=SHANGHAI)
STORY = "\n".join([
    "央行9月3日开展了1000亿元7天期逆回购操作,中标利率维持1.70%不变。",
    "市场人士表示,近期资金面总体平稳,跨月因素影响有限,流动性合理充裕。",
    "分析师认为,四季度货币政策仍有适度宽松空间,降准降息均有可能落地。",
    "此外,多家银行下调了存款利率,以缓解净息差持续收窄带来的经营压力。",
])  # fmt: skip


def row(url: str = "http://p1/a/1.html", **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = dict(
        url=url, site="dede", site_name="财经快讯网", title="央行开展逆回购", date_source="page",
        published_at=datetime(2024, 9, 3, 11, 54, tzinfo=SHANGHAI), source="千龙网", source_raw="来源:千龙网",
        author="张三", editor=None, views=11003, views_lower_bound=False, body=STORY,
        images=["http://p1/1.jpg"], category="财经", crawled_at=NOW,
    )  # fmt: skip
    values.update(changes)
    body = fingerprint(values["body"])
    return {"body_hash": body.body_hash, "n_shingles": body.size, "figures": " ".join(body.figures)} | values
