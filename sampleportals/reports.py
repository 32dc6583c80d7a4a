"""Templated daily market reports: the same wording every day, only the date and figures change.

Two reports of one template are *different* stories (distinct groups) although their text is nearly
identical: the trap for a reprint detector. `report_text` is a pure function of its `Random`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from random import Random

from sampleportals import vocab

ReportText = tuple[str, list[str]]

REPORT_OUTLETS: tuple[str, ...] = ("中国证券报·中证网", "证券时报网", "上海证券报", "财联社", "中国经济网")


def _signed(rng: Random, low: float, high: float) -> tuple[str, float]:
    """A move: ("涨" | "跌", size)."""
    size = round(rng.uniform(low, high), 2)
    return ("涨" if rng.random() < 0.55 else "跌"), size


def _a_share_close(rng: Random, day: date) -> ReportText:
    md = f"{day.month}月{day.day}日"
    word, move = _signed(rng, 0.01, 2.5)
    sh = round(rng.uniform(2700, 3500), 2)
    sz_word, sz_move = _signed(rng, 0.01, 3)
    cy_word, cy_move = _signed(rng, 0.01, 4)
    turnover = rng.randint(5200, 14800)
    up, down = rng.randint(300, 4800), rng.randint(300, 4800)
    lead_sectors = rng.sample(vocab.SECTORS, 4)
    title = f"{md}A股收盘:沪指{word}{move}%报{sh}点"
    paragraphs = [
        f"{md}，A股三大指数走势分化。截至收盘，沪指{word}{move}%，报{sh}点；深证成指{sz_word}{sz_move}%，"
        f"报{round(rng.uniform(8000, 11000), 2)}点；创业板指{cy_word}{cy_move}%，报{round(rng.uniform(1500, 2300), 2)}点。",
        f"沪深两市全天成交额{turnover}亿元，较上一交易日{rng.choice(('放量', '缩量'))}{rng.randint(50, 1500)}亿元。",
        f"盘面上，{lead_sectors[0]}、{lead_sectors[1]}板块涨幅居前，{lead_sectors[2]}、{lead_sectors[3]}板块跌幅居前。",
        f"个股方面，两市{up}只个股上涨，{down}只个股下跌，{rng.randint(10, 120)}只个股涨停。",
        f"北向资金全天净{rng.choice(('买入', '卖出'))}{round(rng.uniform(1, 150), 2)}亿元。",
    ]
    return title, paragraphs


def _hk_close(rng: Random, day: date) -> ReportText:
    md = f"{day.month}月{day.day}日"
    word, move = _signed(rng, 0.01, 3)
    hsi = round(rng.uniform(15500, 21000), 2)
    title = f"{md}港股收盘:恒指{word}{move}%报{hsi}点"
    paragraphs = [
        f"{md}，港股三大指数{rng.choice(vocab.MARKET_MOODS)}。截至收盘，恒生指数{word}{move}%，报{hsi}点；"
        f"恒生科技指数{_signed(rng, 0.01, 4)[0]}{round(rng.uniform(0.01, 4), 2)}%，"
        f"报{round(rng.uniform(3100, 4600), 2)}点。",
        f"大市成交额{round(rng.uniform(600, 1800), 2)}亿港元，南向资金净{rng.choice(('买入', '卖出'))}"
        f"{round(rng.uniform(5, 120), 2)}亿港元。",
        f"盘面上，{rng.choice(vocab.SECTORS)}股表现活跃，{rng.choice(vocab.COMPANIES)}H股涨{round(rng.uniform(1, 9), 2)}%。",
        "分析人士认为，港股估值仍处于历史低位，外部流动性改善有望带来修复行情。",
    ]
    return title, paragraphs


def _yuan_fixing(rng: Random, day: date) -> ReportText:
    md = f"{day.month}月{day.day}日"
    fixing = f"7.{rng.randint(800, 2999):04d}"
    bp = rng.randint(1, 180)
    word = rng.choice(("调升", "调降"))
    title = f"{md}人民币对美元中间价报{fixing} {word}{bp}个基点"
    paragraphs = [
        f"中国外汇交易中心数据显示，{md}人民币对美元汇率中间价报{fixing}，较上一交易日{word}{bp}个基点。",
        f"当日，人民币对欧元中间价报{round(rng.uniform(7.6, 8.1), 4)}，对日元中间价报{round(rng.uniform(4.6, 5.2), 4)}。",
        f"在岸人民币对美元16时30分收盘报7.{rng.randint(800, 2999):04d}，离岸人民币盘中在7.1至7.3区间波动。",
        "市场人士认为，人民币汇率在合理均衡水平上保持基本稳定的基础依然牢固。",
    ]
    return title, paragraphs


def _fund_nav(rng: Random, day: date) -> ReportText:
    md = f"{day.month}月{day.day}日"
    fund, product = rng.choice(vocab.FUNDS), rng.choice(vocab.FUND_PRODUCTS)
    nav = round(rng.uniform(0.6, 3.5), 4)
    word, move = _signed(rng, 0.01, 3)
    title = f"{md}基金净值:{fund}{product}最新净值{nav:.4f} {word}{move}%"
    paragraphs = [
        f"{md}，{fund}旗下{product}公布最新单位净值为{nav:.4f}元，累计净值为{nav + rng.uniform(0, 1):.4f}元，"
        f"较上一交易日{word}{move}%。",
        f"该基金近一个月收益率为{round(rng.uniform(-8, 8), 2)}%，近一年收益率为{round(rng.uniform(-20, 30), 2)}%，"
        f"在同类产品中排名第{rng.randint(1, 900)}位。",
        f"截至最新季报，该基金资产规模为{round(rng.uniform(1, 300), 2)}亿元，前十大重仓股集中度为"
        f"{round(rng.uniform(20, 70), 2)}%。",
        f"现任基金经理任职以来年化回报为{round(rng.uniform(-5, 18), 2)}%，管理规模合计{rng.randint(10, 600)}亿元。",
    ]
    return title, paragraphs


def _futures_close(rng: Random, day: date) -> ReportText:
    md = f"{day.month}月{day.day}日"
    lead, lag = rng.sample(vocab.COMMODITIES, 2)
    move = round(rng.uniform(0.5, 6), 2)
    title = f"{md}国内期货收盘:{lead}涨{move}% {lag}跌幅居前"
    paragraphs = [
        f"{md}，国内商品期货收盘涨跌互现。{lead}主力合约涨{move}%，{lag}主力合约跌{round(rng.uniform(0.5, 5), 2)}%。",
        f"此外，{rng.choice(vocab.COMMODITIES)}涨{round(rng.uniform(0.1, 3), 2)}%，"
        f"{rng.choice(vocab.COMMODITIES)}跌{round(rng.uniform(0.1, 3), 2)}%。",
        f"全市场成交额{rng.randint(9000, 26000)}亿元，持仓量较上一交易日增加{rng.randint(1, 40)}万手。",
        "分析人士表示，宏观预期与供需基本面共同主导短期价格走势。",
    ]
    return title, paragraphs


def _northbound(rng: Random, day: date) -> ReportText:
    md = f"{day.month}月{day.day}日"
    word = rng.choice(("买入", "卖出"))
    amount = round(rng.uniform(1, 150), 2)
    sh_part = round(amount * rng.uniform(0.2, 0.8), 2)
    company = rng.choice(vocab.COMPANIES)
    title = f"{md}北向资金净{word}{amount}亿元"
    paragraphs = [
        f"{md}，北向资金全天净{word}{amount}亿元，其中沪股通净{word}{sh_part}亿元，深股通净{word}"
        f"{round(amount - sh_part, 2)}亿元。",
        f"从成交个股看，{company}成交额居首，达{round(rng.uniform(10, 60), 2)}亿元。",
        f"行业方面，{rng.choice(vocab.SECTORS)}板块获增持居前，{rng.choice(vocab.SECTORS)}板块遭减持较多。",
        f"{rng.choice(vocab.TIME_WORDS)}，北向资金累计净{rng.choice(('买入', '卖出'))}{rng.randint(50, 2000)}亿元。",
    ]
    return title, paragraphs


REPORT_TEMPLATES: tuple[Callable[[Random, date], ReportText], ...] = (
    _a_share_close,
    _hk_close,
    _yuan_fixing,
    _fund_nav,
    _futures_close,
    _northbound,
)


def report_text(rng: Random, template: int, day: date) -> ReportText:
    """Title and paragraphs of report `template` about market day `day`."""
    return REPORT_TEMPLATES[template](rng, day)
