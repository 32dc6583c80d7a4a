"""Templated Chinese finance news: titles and paragraphs filled from `vocab` with a seeded `Random`.

One file over 400 lines on purpose: three quarters of it are the template tables, kept beside the few
functions whose seeded draws walk them in order (a table's order is part of the sample portals' output).

Pure functions of their `Random`: the same seed gives the same text. A story draws a *cast* once (its
bank, company, city ...) so its paragraphs keep talking about the same actors, while numbers are drawn
afresh at every use. Canonical text uses full-width punctuation (，：；（）); reprint copies may
switch to ASCII later (see `copies.py`). Templates are compiled once into Python functions
(`templates.py`): the same draws as filling them slot by slot, at a fraction of the cost.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from random import Random

from sampleportals import vocab
from sampleportals.templates import Filler, TemplateCompiler
from sampleportals.vocab import words

TOPICS: tuple[str, ...] = words("bank fund stock energy consumer policy company insurance")

# Fixed per story: the actors a story keeps talking about.
_CAST_LISTS: dict[str, tuple[str, ...]] = {
    "bank": vocab.BANKS,
    "bank2": vocab.BANKS,
    "fund": vocab.FUNDS,
    "insurer": vocab.INSURERS,
    "company": vocab.COMPANIES,
    "company2": vocab.COMPANIES,
    "sector": vocab.SECTORS,
    "sector2": vocab.SECTORS,
    "city": vocab.CITIES,
    "province": vocab.PROVINCES,
    "regulator": vocab.REGULATORS,
    "role": vocab.OFFICIAL_ROLES,
    "org": vocab.ANALYST_ORGS,
    "analyst_role": vocab.ANALYST_ROLES,
    "analyst": vocab.REPORTERS,
    "product": vocab.PRODUCTS,
    "fund_product": vocab.FUND_PRODUCTS,
    "commodity": vocab.COMMODITIES,
    "project": vocab.PROJECTS,
    "goods": vocab.CONSUMER_GOODS,
    "buzz": vocab.BUZZWORDS,
    "buzz2": vocab.BUZZWORDS,
    "timeword": vocab.TIME_WORDS,
    "mood": vocab.MARKET_MOODS,
}

# Drawn afresh at every use: figures. `a + (b - a) * r.random()` is `r.uniform(a, b)` without the method call.
_NUMBERS: dict[str, Callable[[Random], str]] = {
    "pct": lambda r: f"{0.5 + (35 - 0.5) * r.random():.2f}",
    "pct1": lambda r: f"{0.1 + (3 - 0.1) * r.random():.1f}",
    "amount": lambda r: f"{1 + (999 - 1) * r.random():.2f}亿元",
    "bigamount": lambda r: f"{1 + (30 - 1) * r.random():.2f}万亿元",
    "n": lambda r: str(2 + int(r.random() * 59)),
    "bign": lambda r: str(120 + int(r.random() * 9681)),
    "bp": lambda r: pick(r, ("5", "10", "15", "20", "25", "30", "35", "50")),
    "rate": lambda r: f"{1.2 + (4.2 - 1.2) * r.random():.2f}%",
    "mw": lambda r: pick(r, ("50", "100", "200", "300", "500", "800", "1000", "1500")),
    "period": lambda r: pick(r, ("上半年", "前三季度", "一季度", "今年前7个月")),
    "year": lambda r: pick(r, ("2023", "2024", "2025")),
    "price": lambda r: f"{3 + (260 - 3) * r.random():.2f}",
    "cover": lambda r: str(150 + int(r.random() * 271)),
}

TITLES: dict[str, tuple[str, ...]] = {
    "bank": (
        "{bank}{period}净利润同比增长{pct}% 资产质量保持稳定",
        "{bank}下调{product}利率{bp}个基点",
        "{city}银行业{timeword}新增{product}{amount}",
        "多家银行发力{buzz} {bank}推出{n}项专属服务",
        "{bank}：{product}余额突破{bigamount}",
        "{buzz}提速|{bank}{city}分行落地首笔{product}",
        "{regulator}：引导银行加大{product}投放力度",
        "{bank}与{company}签署{amount}战略合作协议",
    ),
    "fund": (
        "{fund}旗下{n}只基金{timeword}回报超{pct}%",
        "公募基金总规模突破{bigamount} {sector}主题产品受追捧",
        "{fund}：看好{sector}板块中长期配置价值",
        "{fund_product}规模{timeword}增长{pct}% 资金持续流入",
        "{n}只新基金本周发行 {fund}{fund_product}受关注",
        "权益类基金{timeword}平均收益{pct}%|{fund}居前",
        "{fund}调降{n}只产品管理费率",
    ),
    "stock": (
        "{sector}板块午后拉升 {company}涨停",
        "{sector}概念股集体走强 {n}股涨幅超{pct}%",
        "{company}股价创年内新高 市值突破{bign}亿元",
        "{org}：{sector}行业景气度有望持续回升",
        "北向资金{timeword}净买入{sector}板块{amount}",
        "A股{mood} {sector}与{sector2}板块轮动",
        "{n}家上市公司披露回购方案 {company}拟回购{amount}",
    ),
    "energy": (
        "{province}{mw}兆瓦{project}开工",
        "{project}在{province}并网投产 年发电量可达{n}亿千瓦时",
        "{regulator}：{timeword}可再生能源装机增长{pct}%",
        "{company}{amount}投建{project}",
        "能源转型提速|{province}新型储能装机突破{bign}万千瓦",
        "{province}出台{n}条措施支持{project}建设",
    ),
    "consumer": (
        "{city}发放{amount}消费券 {goods}销售额增长{pct}%",
        "{goods}以旧换新持续升温 {city}{timeword}补贴{bign}万人次",
        "{regulator}：{timeword}社会消费品零售总额同比增长{pct}%",
        "暑期{goods}消费火热 {company}订单增长{pct}%",
        "{city}推出{n}项举措提振{goods}消费",
        "{goods}消费旺季来临|{city}多家商场客流增长{pct}%",
    ),
    "policy": (
        "{regulator}：{timeword}将出台{n}项政策推动{buzz}",
        "{regulator}{role}：保持流动性合理充裕",
        "{regulator}发布{buzz}实施意见 提出{n}项重点任务",
        "{year}年{buzz}工作会议召开 部署{n}项重点工作",
        "{regulator}：{product}加权平均利率降至{rate}",
        "{province}出台{buzz}行动方案 力争三年内规模翻番",
    ),
    "company": (
        "{company}发布{period}业绩 营收{amount}同比增长{pct}%",
        "{company}拟投资{amount}建设{sector}生产基地",
        "{company}与{company2}达成战略合作 共建{buzz}示范项目",
        "{company}{period}净利润{amount} 研发投入增长{pct}%",
        "{company}：海外业务收入占比提升至{pct}%",
        "{company}董事会通过{amount}回购议案",
    ),
    "insurance": (
        "{insurer}{period}原保费收入{amount} 同比增长{pct}%",
        "{insurer}推出{n}款{buzz}专属保险产品",
        "{regulator}：保险资金{timeword}投向{buzz}领域超{bigamount}",
        "{insurer}{city}分公司完成{goods}行业首单保险",
        "险资{timeword}举牌{n}家上市公司 {insurer}表现活跃",
    ),
}

LEADS: dict[str, tuple[str, ...]] = {
    "bank": (
        "{m}月{d}日，{bank}发布公告称，{timeword}该行{product}余额较年初增长{pct}%，增速高于各项贷款平均增速{pct1}个百分点。",
        "{timeword}，{city}银行业持续加大对实体经济的支持力度，{product}余额达到{amount}，同比增长{pct}%。",
        "{bank}近日披露，该行{period}实现营业收入{amount}，归属于股东的净利润同比增长{pct}%，不良贷款率较年初下降{pct1}个百分点。",
        "为落实{buzz}相关部署，{bank}{city}分行{m}月{d}日宣布推出{n}项专属服务，覆盖{sector}等重点行业。",
    ),
    "fund": (
        "{m}月{d}日，{fund}披露，{timeword}旗下{n}只权益类基金取得正收益，其中{fund_product}回报率达到{pct}%。",
        "{timeword}，公募基金市场持续扩容，{sector}主题产品规模增长{pct}%，{fund}等头部机构新发产品募集规模居前。",
        "{fund}{m}月{d}日发布公告，旗下{fund_product}将于近日开放申购，单日申购上限为{bign}万元。",
    ),
    "stock": (
        "{m}月{d}日，A股三大指数{mood}，{sector}板块午后明显拉升，{company}封住涨停，板块内{n}只个股涨幅超过{pct1}%。",
        "{timeword}，{sector}板块累计上涨{pct}%，跑赢同期沪深300指数{pct1}个百分点，成交额显著放大。",
        "{company}{m}月{d}日盘中股价创出年内新高，总市值突破{bign}亿元，当日成交额{amount}。",
    ),
    "energy": (
        "{m}月{d}日，{province}{mw}兆瓦{project}正式开工，项目总投资{amount}，建成后年发电量可达{n}亿千瓦时。",
        "{timeword}，{province}可再生能源装机规模持续扩大，新增装机{bign}万千瓦，同比增长{pct}%。",
        "由{company}投资建设的{project}{m}月{d}日在{province}并网投产，这是当地规模最大的同类项目之一。",
    ),
    "consumer": (
        "{m}月{d}日，{city}宣布新一轮消费券发放工作启动，总额{amount}，重点支持{goods}等领域消费。",
        "{timeword}，{city}{goods}以旧换新累计带动销售额{amount}，参与消费者超过{bign}万人次。",
        "{regulator}{m}月{d}日发布数据显示，{timeword}社会消费品零售总额同比增长{pct}%，{goods}类商品表现亮眼。",
    ),
    "policy": (
        "{m}月{d}日，{regulator}{role}在新闻发布会上表示，将继续实施好稳健的政策，推动{buzz}取得新进展。",
        "{regulator}近日发布关于推进{buzz}的实施意见，从{n}个方面提出具体举措，明确了{year}年的工作目标。",
        "{timeword}，各地加快落实{buzz}相关部署，{province}等地已出台配套方案{n}项。",
    ),
    "company": (
        "{m}月{d}日晚间，{company}发布{period}业绩报告，公司实现营业收入{amount}，同比增长{pct}%。",
        "{company}{m}月{d}日公告称，公司拟投资{amount}建设{sector}生产基地，项目建设周期约为{n}个月。",
        "{company}与{company2}{m}月{d}日签署战略合作协议，双方将在{buzz}领域开展全方位合作。",
    ),
    "insurance": (
        "{m}月{d}日，{insurer}披露，{period}公司实现原保险保费收入{amount}，同比增长{pct}%。",
        "{timeword}，保险资金加大对{buzz}领域的投资力度，{insurer}等机构相关投资规模超过{amount}。",
        "{insurer}{city}分公司{m}月{d}日完成{goods}行业首单专属保险承保，保险金额{amount}。",
    ),
}

SENTENCES: dict[str, tuple[str, ...]] = {
    "bank": (
        "{bank}相关负责人介绍，下一步将继续优化信贷结构，加大对{sector}等领域的支持。",
        "从资产质量看，该行不良贷款率为{pct1}%，拨备覆盖率保持在{cover}%以上。",
        "{timeword}，{bank}累计向{n}家科技型企业发放贷款{amount}。",
        "业内人士认为，银行净息差仍面临一定压力，负债成本管控成为各家银行的共同课题。",
        "在{city}，{bank}联合当地部门推出“{buzz}贷”，首批{n}家企业获得授信{amount}。",
        "数据显示，{bank2}同期{product}余额增长{pct}%，增速在同业中位居前列。",
        "{org}{analyst_role}{analyst}表示，随着存款利率下调，银行负债端成本有望进一步改善。",
        "针对小微企业融资难题，该行推出线上审批流程，最快{n}分钟即可完成放款。",
        "截至{m}月末，{city}地区{product}加权平均利率为{rate}，较年初下降{bp}个基点。",
    ),
    "fund": (
        "{fund}相关人士表示，当前市场估值处于历史较低水平，中长期配置价值逐步显现。",
        "从业绩分布看，{sector}主题基金表现居前，部分产品{timeword}净值增长超过{pct}%。",
        "{timeword}，{fund_product}份额增加{bign}万份，资金净流入{amount}。",
        "{org}{analyst_role}{analyst}认为，指数化投资正成为居民资产配置的重要工具。",
        "多家基金公司{timeword}下调管理费率，行业费率改革持续推进。",
        "基金经理在最新季报中表示，将重点关注{sector}和{sector2}两条主线。",
        "{fund}旗下{n}只产品获得机构投资者大额申购，机构持有比例提升至{pct}%。",
    ),
    "stock": (
        "盘面上，{sector}、{sector2}板块涨幅居前，部分前期热门题材出现回调。",
        "两市成交额达到{bign}亿元，较上一交易日放量{amount}。",
        "{org}{analyst_role}{analyst}表示，{sector}行业基本面持续改善，龙头公司有望率先受益。",
        "资金面上，{timeword}北向资金累计净买入{amount}，重点加仓{sector}板块。",
        "{company}{m}月{d}日收盘报{price}元，全天换手率为{pct1}%。",
        "分析人士指出，短期市场仍以结构性行情为主，建议关注业绩确定性较高的品种。",
        "龙虎榜数据显示，{n}家机构专用席位合计买入{company}{amount}。",
    ),
    "energy": (
        "项目建成后，每年可节约标准煤约{n}万吨，减少二氧化碳排放约{bign}万吨。",
        "{province}能源局相关负责人表示，将加快推进{project}等重大项目建设。",
        "世界海拔最高的同类项目——{province}{project}也在加紧建设中。",
        "{timeword}，{province}风电、光伏发电量占全社会用电量的比重提升至{pct}%。",
        "{company}相关负责人介绍，项目采用了国内领先的储能技术，综合效率提升{pct1}个百分点。",
        "业内人士认为，新型电力系统建设将带动上下游产业链投资超过{bigamount}。",
        "项目建设期间，通过设备租赁、土地流转等方式，带动周边群众增收{amount}。",
    ),
    "consumer": (
        "{city}商务部门相关负责人表示，本轮消费券将分{n}期发放，每期持续一周。",
        "{timeword}，{goods}线上销售额同比增长{pct}%，线下门店客流明显回暖。",
        "{company}相关负责人介绍，以旧换新政策实施以来，公司订单量增长{pct}%。",
        "业内人士认为，“{buzz}”相关政策有效激发了居民消费潜力。",
        "在{city}一家大型商场，不少消费者趁着补贴选购{goods}，部分热门型号一度断货。",
        "{org}{analyst_role}{analyst}预计，{goods}消费有望在四季度继续保持较快增长。",
        "据统计，{timeword}{city}累计核销消费券{bign}万张，直接带动消费{amount}。",
    ),
    "policy": (
        "{regulator}{role}表示，下一步将加强政策协同，形成支持{buzz}的工作合力。",
        "文件明确，到{year}年底，{buzz}相关制度体系基本建立。",
        "{org}{analyst_role}{analyst}认为，相关举措有助于稳定市场预期、提振经营主体信心。",
        "{timeword}，全国已有{n}个省份出台配套实施细则。",
        "会议强调，要坚持{buzz2}，统筹好发展和安全。",
        "政策实施以来，{province}等地{product}规模增长{pct}%，惠及经营主体{bign}万户。",
        "与会专家表示，政策效果将逐步显现——预计全年相关投资增长{pct1}%左右。",
    ),
    "company": (
        "{company}表示，业绩增长主要得益于{sector}业务快速扩张及成本管控成效显现。",
        "报告期内，公司研发投入{amount}，同比增长{pct}%，新增专利{bign}项。",
        "{org}{analyst_role}{analyst}认为，公司在{sector}领域的龙头地位进一步巩固。",
        "公告显示，{company}拟以自有资金回购股份，回购价格不超过每股{price}元。",
        "{timeword}，公司海外订单同比增长{pct}%，境外收入占比提升至{pct1}成。",
        "{company}与{company2}将共同设立合资公司，注册资本{amount}。",
        "公司相关负责人介绍，新基地投产后预计每年新增产值{amount}。",
    ),
    "insurance": (
        "{insurer}相关负责人表示，公司将持续优化产品结构，提升{buzz}服务能力。",
        "{timeword}，人身险公司保费收入同比增长{pct}%，财产险公司保费增长{pct1}%。",
        "{org}{analyst_role}{analyst}认为，保险资金作为耐心资本，在支持实体经济方面大有可为。",
        "数据显示，{insurer}{period}赔付支出{amount}，服务客户超{bign}万人次。",
        "该产品保障范围覆盖{n}种常见风险，最高保额可达{n}0万元。",
    ),
}

# Generic sentences: frames whose slots are mostly drawn afresh at every use (see `PHRASES`), so two
# stories rarely share a sentence.
FRAMES: tuple[str, ...] = (
    "{expert}{say}，{claim}。",
    "{data_opener}，{timeword_f}{place}{metric}{change}{pct}%，{comparison}。",
    "{timeword_f}，{place}{metric}达到{amount}，{comparison}。",
    "{city_f}{dept}{say}，{plan}。",
    "从{dimension}看，{observation}。",
    "{expert}{say}，{claim}，{claim}。",
    "{data_opener}，{place}{metric}{change}{pct}%，其中{sector_f}领域{change}{pct1}%。",
    "在{city_f}，{scene}。",
    "{meeting}提出，{plan}。",
    "{expert}建议，{advice}。",
    "{timeword_f}，{place}{metric}{change}{pct}%，{observation}。",
    "{claim_lead}，{claim}。",
)

PHRASES: dict[str, tuple[str, ...]] = {
    "say": words("表示 认为 指出 分析称 坦言 介绍 强调 预计 提到"),
    "expert": (
        "{org_f}{role_f}{person}",
        "{institute}{role_f}{person}",
        "{institute}研究员{person}",
    ),
    "org_f": vocab.ANALYST_ORGS,
    "institute": words(
        "中国社会科学院金融研究所 清华大学五道口金融学院 国务院发展研究中心 中国银行研究院 "
        "交通银行金融研究中心 中国人民大学财政金融学院 上海交通大学上海高级金融学院 "
        "中国宏观经济研究院 北京大学光华管理学院 中央财经大学 复旦大学经济学院 "
        "中国国际经济交流中心"
    ),
    "role_f": words("首席经济学家 首席策略分析师 宏观分析师 副所长 高级研究员 副院长 教授 资深分析师"),
    "person": ("{surname}{given}",),
    "surname": words(
        "王 李 张 刘 陈 杨 赵 黄 周 吴 徐 孙 胡 朱 高 林 何 郭 马 罗 梁 宋 郑 谢 韩 唐 冯 于 董 萧 程 曹 袁 邓 许 傅"
    ),
    "given": words(
        "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 涛 明 超 秀英 华 慧 建国 志强 "
        "晓东 海燕 雪梅 文博 子涵 思远 振华 立新 宏伟 嘉怡 晨阳 一鸣 宇航 佳琪 国庆 "
        "春生 雅琴 德明 少华"
    ),
    "data_opener": words("数据显示 据统计 从数据看 公开信息显示 据不完全统计 最新统计显示 监测数据显示"),
    "timeword_f": vocab.TIME_WORDS,
    "place": (
        "{city_f}",
        "{province_f}",
        "{province_f}省内",
        "全国",
        "{city_f}市",
        "长三角地区",
        "粤港澳大湾区",
        "京津冀地区",
    ),
    "city_f": vocab.CITIES,
    "province_f": vocab.PROVINCES,
    "sector_f": vocab.SECTORS,
    "metric": words(
        "规模以上工业增加值 固定资产投资 新增人民币贷款 出口额 全社会用电量 社会融资规模增量 "
        "新设经营主体数量 网上零售额 制造业贷款余额 绿色贷款余额 跨境人民币结算量 "
        "高技术产业投资 居民存款余额 服务业增加值 进出口总值 充电桩保有量 快递业务量 "
        "民间投资 工业企业利润 科技型企业贷款余额 基础设施投资 港口集装箱吞吐量"
    ),
    "change": words("同比增长 同比下降 环比增长 较上年同期提高 较年初增长 同比增加"),
    "comparison": (
        "增速较上月加快{pct1}个百分点",
        "高于全国平均水平{pct1}个百分点",
        "创下近{n}个月新高",
        "连续{n}个月保持增长",
        "好于市场普遍预期",
        "继续位居全国前列",
        "增幅比一季度扩大{pct1}个百分点",
        "占全国比重达到{pct1}成",
        "规模再创历史新高",
    ),
    "dept": words("发展改革委 商务局 统计局 金融办 工业和信息化局 地方金融管理局 财政局 国资委"),
    "plan": (
        "下一步将{verb}{object}",
        "将围绕{object}出台{n}项配套措施",
        "力争到{year}年{object}取得明显成效",
        "将{verb}{object}，持续优化营商环境",
        "将建立{object}工作台账，按月调度推进",
        "将统筹用好各类资金，重点支持{object}",
    ),
    "verb": words("加快推进 持续深化 全面落实 进一步完善 着力强化 稳步扩大 积极探索"),
    "object": (
        "{buzz_f}重点任务",
        "重大项目建设",
        "中小企业融资服务",
        "{sector_f}产业链升级",
        "消费场景创新",
        "跨境贸易便利化",
        "数字化转型",
        "产融对接机制",
        "首台套推广应用",
        "普惠金融服务体系",
        "绿色低碳转型",
        "外资项目落地",
        "县域商业体系建设",
    ),
    "buzz_f": vocab.BUZZWORDS,
    "dimension": words("区域分布 行业结构 企业类型 资金流向 产品结构 期限结构 投资主体 市场结构"),
    "observation": (
        "{place}增速领先，中西部地区追赶势头明显",
        "{sector_f}行业贡献最大，拉动整体增长{pct1}个百分点",
        "民营企业占比提升至{pct}%",
        "中长期资金占比持续上升",
        "{sector_f}和{sector_f}领域成为新的增长点",
        "头部机构集中度进一步提高",
        "新兴领域增速明显快于传统领域",
        "外资企业参与度有所提升",
        "小微主体获得感持续增强",
        "{sector_f}板块资金净流入居前",
    ),
    "scene": (
        "一家{sector_f}企业的生产车间里，工人们正在加紧赶制订单",
        "不少市民趁着周末选购{goods_f}，门店销售额较平日增长{pct}%",
        "当地政府联合{n}家金融机构举办对接会，现场签约{amount}",
        "新建成的物流园区已有{n}家企业入驻，日均处理包裹{bign}万件",
        "一场{buzz_f}主题推介会吸引了{bign}余名客商参加",
    ),
    "goods_f": vocab.CONSUMER_GOODS,
    "meeting": (
        "{province_f}近日召开的{buzz_f}推进会",
        "{year}年{city_f}经济工作座谈会",
        "{city_f}{dept}日前召开的工作推进会",
        "{regulator_f}近日召开的座谈会",
    ),
    "regulator_f": vocab.REGULATORS,
    "advice": (
        "投资者关注{sector_f}等景气度较高的方向",
        "企业用好用足各项支持政策，加快技术改造",
        "进一步降低{sector_f}企业综合融资成本",
        "加大对{object}的中长期资金支持",
        "完善{sector_f}领域的风险分担机制",
        "引导更多社会资本投向{object}",
    ),
    "claim_lead": words("整体来看 综合判断 展望后市 从中长期看 业内普遍认为 多方面因素叠加之下 短期来看"),
    "claim": (
        "{sector_f}行业景气度有望持续回升",
        "{buzz_f}将成为拉动增长的重要引擎",
        "政策效果将在{quarter}逐步显现",
        "{metric}有望保持平稳增长",
        "市场信心正在稳步修复",
        "{sector_f}板块估值仍处于历史较低水平",
        "稳增长政策仍有进一步发力的空间",
        "居民消费意愿正在逐步恢复",
        "外部环境的不确定性仍需密切关注",
        "{quarter}经济运行有望延续回升向好态势",
        "结构性机会将多于系统性机会",
        "中长期资金入市步伐有望加快",
        "{sector_f}领域的投资机会值得关注",
        "企业盈利有望在{quarter}迎来拐点",
        "金融支持实体经济的力度将进一步加大",
    ),
    "quarter": words("四季度 下半年 明年一季度 年内 未来一段时间"),
}

# Standalone paragraph some stories carry between sections (its HTML may lose its `&`).
ELLIPSIS_PARAGRAPH = "……"


def pick(rng: Random, items: Sequence[str]) -> str:
    """`rng.choice` with one draw and no rejection loop (this is the generator's hot path)."""
    return items[int(rng.random() * len(items))]


_CAST_NAMES: tuple[str, ...] = tuple(_CAST_LISTS)
_CAST_CHOICES: tuple[tuple[tuple[str, ...], int], ...] = tuple((items, len(items)) for items in _CAST_LISTS.values())
# "bank2" and "bank" never name the same actor: (index of the "...2" slot, index of its first slot).
_CAST_PAIRS: tuple[tuple[int, int], ...] = tuple(
    (number, _CAST_NAMES.index(slot[:-1])) for number, slot in enumerate(_CAST_NAMES) if slot.endswith("2")
)


def draw_cast(rng: Random, month: int, day: int) -> dict[str, str]:
    """The story's fixed actors plus its publication month/day (`{m}`, `{d}`): one draw per actor."""
    draw = rng.random
    actors = [items[int(draw() * size)] for items, size in _CAST_CHOICES]
    for second, first in _CAST_PAIRS:
        if actors[second] == actors[first]:  # "京东方与京东方" never happens
            items = _CAST_CHOICES[second][0]
            actors[second] = items[(items.index(actors[second]) + 1) % len(items)]
    cast = dict(zip(_CAST_NAMES, actors, strict=True))
    cast["m"], cast["d"] = str(month), str(day)
    return cast


# -- templates, compiled once (see `templates.py`) ------------------------------------------------------

CAST_KEYS = frozenset((*_CAST_LISTS, "m", "d"))
_COMPILER = TemplateCompiler(CAST_KEYS, _NUMBERS, PHRASES)


def fill(template: str, rng: Random, cast: Mapping[str, str]) -> str:
    """Fill `{slot}`s: cast slots keep the story's value, others draw a new figure or phrase.

    >>> fill("{bank}降息{bp}个基点", Random(1), {"bank": "工商银行"})
    '工商银行降息10个基点'
    """
    return _COMPILER.compile(template)(rng, cast)


def _compile_all(lists: Mapping[str, Sequence[str]]) -> dict[str, tuple[Filler, ...]]:
    return {key: _COMPILER.compile_all(items) for key, items in lists.items()}


_TITLES = _compile_all(TITLES)
_LEADS = _compile_all(LEADS)
_SENTENCES = _compile_all(SENTENCES)
_FRAMES = _COMPILER.compile_all(FRAMES)


def news_title(rng: Random, topic: str, cast: Mapping[str, str]) -> str:
    """A headline for `topic`."""
    templates = _TITLES[topic]
    return templates[int(rng.random() * len(templates))](rng, cast)


def news_lead(rng: Random, topic: str, cast: Mapping[str, str]) -> str:
    """The first paragraph: who did what, when (at least 40 characters)."""
    templates = _LEADS[topic]
    lead = templates[int(rng.random() * len(templates))](rng, cast)
    while len(lead) < 40:
        lead += _FRAMES[int(rng.random() * len(_FRAMES))](rng, cast)
    return lead


def news_paragraphs(rng: Random, topic: str, cast: Mapping[str, str], count: int) -> list[str]:
    """`count` further paragraphs of 40-200 characters.

    Each topic sentence (about the story's cast) is used at most once; generic frames fill the rest.
    """
    topical = list(_SENTENCES[topic])
    rng.shuffle(topical)
    paragraphs: list[str] = []
    while len(paragraphs) < count:
        if rng.random() < 0.04 and paragraphs and paragraphs[-1] != ELLIPSIS_PARAGRAPH:
            paragraphs.append(ELLIPSIS_PARAGRAPH)
            continue
        paragraphs.append(_paragraph(rng, topical, cast))
    return paragraphs


def _paragraph(rng: Random, topical: list[Filler], cast: Mapping[str, str]) -> str:
    """Join sentences until the paragraph holds at least 40 characters (at most 200)."""
    draw = rng.random
    frames, frame_count = _FRAMES, len(_FRAMES)
    sentences: list[str] = []
    size = 0
    target = 40 + int(draw() * 110)
    while size < target:
        use_topical = topical and draw() < 0.45
        template = topical.pop() if use_topical else frames[int(draw() * frame_count)]
        sentence = template(rng, cast)
        if size + len(sentence) > 200:
            if size >= 40:
                break
            continue
        sentences.append(sentence)
        size += len(sentence)
    return "".join(sentences)
