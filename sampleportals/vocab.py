"""Word lists the content generator draws from: outlets, institutions, places, people, phrases.

Every string here is GBK-encodable (the phpcms portal serves GBK bytes) and free of text that looks like
page boilerplate (来源, 编辑, 声明, 上一篇 ...): `tests/test_sampleportals.py` checks both.
"""

from __future__ import annotations


def words(text: str) -> tuple[str, ...]:
    """A word list written as one space-separated string.

    >>> words("千龙网 新华网")
    ('千龙网', '新华网')
    """
    return tuple(text.split())


# Outlets a story can be credited to (the 来源 field), with the dateline each one prints in front of
# the first paragraph of a copy ("{m}" / "{d}": month / day of the original publication).
OUTLET_DATELINES: dict[str, str] = {
    "千龙网": "千龙网{m}月{d}日讯 ",
    "新华网": "新华社北京{m}月{d}日电 ",
    "中国证券报·中证网": "中证网{m}月{d}日讯 ",
    "证券时报网": "证券时报网{m}月{d}日讯 ",
    "人民网": "人民网北京{m}月{d}日电 ",
    "央广网": "央广网北京{m}月{d}日消息 ",
    "中新网": "中新网{m}月{d}日电 ",
    "财联社": "财联社{m}月{d}日电 ",
    "经济参考报": "经济参考报{m}月{d}日讯 ",
    "上海证券报": "上证报{m}月{d}日讯 ",
    "21世纪经济报道": "21世纪经济报道{m}月{d}日讯 ",
    "中国经济网": "中国经济网北京{m}月{d}日讯 ",
    "金融时报": "金融时报{m}月{d}日讯 ",
    "每日经济新闻": "每经网{m}月{d}日讯 ",
}
OUTLETS: tuple[str, ...] = tuple(OUTLET_DATELINES)

# Values of 来源 that name no outlet: the clean `source` is null for them (and for the portal's own name).
ANONYMOUS_SOURCES: tuple[str, ...] = words("网络 本站 互联网 佚名")

REPORTERS: tuple[str, ...] = words(
    "张晓燕 李明 王海涛 刘洋 陈静 杨帆 赵磊 黄蕾 周文 吴晨 徐婷 孙杰 胡月 朱敏 "
    "高翔 林峰 何欣 郭佳 马骁 罗琳 梁爽 宋宇 郑楠 谢芳 韩冰 唐宁 冯雪 董超 萧然 "
    "程亮"
)
EDITORS: tuple[str, ...] = words("孙悦 王治强 李晓 张燕玲 刘亮 陈思 杨柳 周颖 蒋涛 曹阳")

BANKS: tuple[str, ...] = words(
    "工商银行 建设银行 农业银行 中国银行 交通银行 招商银行 兴业银行 浦发银行 中信银行 "
    "民生银行 光大银行 平安银行 华夏银行 北京银行 宁波银行 江苏银行 上海银行 南京银行 "
    "杭州银行 邮储银行"
)
FUNDS: tuple[str, ...] = words(
    "易方达基金 华夏基金 南方基金 嘉实基金 广发基金 富国基金 汇添富基金 博时基金 "
    "招商基金 工银瑞信基金 鹏华基金 天弘基金 景顺长城基金 兴证全球基金 中欧基金"
)
INSURERS: tuple[str, ...] = words("中国人寿 中国平安 中国太保 新华保险 中国人保 泰康保险 太平人寿 阳光保险")
COMPANIES: tuple[str, ...] = words(
    "宁德时代 比亚迪 贵州茅台 中国石油 隆基绿能 美的集团 格力电器 海尔智家 中国移动 "
    "长江电力 紫金矿业 万华化学 立讯精密 迈瑞医疗 恒瑞医药 伊利股份 海天味业 三一重工 "
    "中国建筑 京东方 中芯国际 通威股份 阳光电源 牧原股份 中国神华 顺丰控股 海康威视 "
    "五粮液 药明康德 中国中免"
)
SECTORS: tuple[str, ...] = words(
    "半导体 光伏 白酒 券商 银行 保险 房地产 煤炭 有色金属 汽车整车 医药生物 储能 "
    "消费电子 军工 电力 旅游酒店 食品饮料 化工 钢铁 通信设备"
)
CITIES: tuple[str, ...] = words(
    "北京 上海 广州 深圳 杭州 南京 成都 重庆 武汉 西安 苏州 天津 长沙 郑州 青岛 "
    "厦门 合肥 宁波 济南 福州 昆明 沈阳 大连 无锡"
)
PROVINCES: tuple[str, ...] = words(
    "广东 江苏 浙江 山东 河南 四川 湖北 湖南 福建 安徽 河北 陕西 江西 云南 内蒙古 新疆 西藏 贵州 甘肃 宁夏"
)
REGULATORS: tuple[str, ...] = words(
    "中国人民银行 国家金融监督管理总局 中国证监会 国家发展改革委 财政部 商务部 "
    "国家能源局 工业和信息化部 国家统计局 国家外汇管理局"
)
OFFICIAL_ROLES: tuple[str, ...] = words("有关负责人 新闻发言人 相关司局负责人 研究局负责人")
ANALYST_ORGS: tuple[str, ...] = words(
    "中信证券 中金公司 华泰证券 国泰君安 招商证券 海通证券 申万宏源 东方证券 光大证券 兴业证券"
)
ANALYST_ROLES: tuple[str, ...] = words("首席经济学家 首席策略分析师 宏观分析师 行业分析师 研究所所长")
PRODUCTS: tuple[str, ...] = words(
    "个人住房贷款 普惠小微贷款 三年期定期存款 大额存单 信用卡分期 绿色信贷 "
    "科技创新再贷款 消费贷款 养老理财产品 结构性存款"
)
FUND_PRODUCTS: tuple[str, ...] = words(
    "沪深300ETF 中证500ETF 科创50ETF 红利低波ETF 纯债债券A "
    "稳健添利混合 消费升级混合 新能源产业股票 医疗健康混合 价值精选混合"
)
COMMODITIES: tuple[str, ...] = words("螺纹钢 铁矿石 焦煤 沪铜 沪金 原油 豆粕 棕榈油 碳酸锂 纯碱")
PROJECTS: tuple[str, ...] = words(
    "百万千瓦级海上风电基地 抽水蓄能电站 特高压输电工程 源网荷储一体化示范项目 氢能产业园 "
    "分布式光伏整县推进项目 新型储能电站 零碳产业园"
)
CONSUMER_GOODS: tuple[str, ...] = words("家电 新能源汽车 智能手机 家居家装 餐饮 文旅 体育用品 数码产品")
BUZZWORDS: tuple[str, ...] = words(
    "新质生产力 以旧换新 稳中求进 高质量发展 耐心资本 长钱长投 金融五篇大文章 科技金融 "
    "绿色金融 普惠金融 养老金融 数字金融 乡村振兴 一带一路"
)
MARKET_MOODS: tuple[str, ...] = words("震荡整理 小幅走高 冲高回落 低开高走 窄幅波动 放量上攻")
TIME_WORDS: tuple[str, ...] = words("今年以来 近期 上半年 前8个月 截至目前 近一个月 自年初以来 近年来")
