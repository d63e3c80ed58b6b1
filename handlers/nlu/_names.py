"""Lexicons for finding who a message is about: surnames, titles, company forms, non-names.

All keys are in normalised text (Simplified, lower-case, half-width).
"""

from __future__ import annotations

import re


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())

# The common Chinese surnames (about 95 % of people); a title after one of these is a person.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘"
    "祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟"
    "艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞"
    "姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕"
    "楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣"
    "晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银"
    "亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
)
# Titles and forms of address that follow a surname: 张总, 李经理, 陈太 (Cantonese Mrs).
TITLES = (
    "总经理", "副总经理", "董事长", "总裁", "总监", "副总", "经理", "主任", "主管", "处长", "科长",
    "课长", "部长", "院长", "校长", "局长", "厂长", "所长", "行长", "协理", "襄理", "专员",
    "秘书", "助理", "老师", "老板", "先生", "女士", "小姐", "博士", "教授", "律师", "医生",
    "总", "工", "姐", "哥", "董", "局", "太", "生", "sir",
)
# Words before a person that make them one of ours, not the customer: 同事小王, 我们老板.
OUR_SIDE = ("同事", "我们", "我司", "领导", "老板", "我老板", "售后", "销售", "colleague")

# Well-known companies as reps write them: short form -> full name. The matcher owns the
# customer list; this only helps find where a company name starts and ends in running text
# (美的 contains 的) and gives the matcher the long form of a short one (招行 = 招商银行).
COMPANIES: dict[str, str] = {
    "华为": "华为", "腾讯": "腾讯", "阿里巴巴": "阿里巴巴", "阿里云": "阿里云", "阿里": "阿里巴巴",
    "百度": "百度", "京东": "京东", "美团": "美团", "字节跳动": "字节跳动", "字节": "字节跳动",
    "小米": "小米", "比亚迪": "比亚迪", "美的": "美的集团", "格力": "格力电器", "海尔": "海尔",
    "联想": "联想", "中兴": "中兴通讯", "网易": "网易", "拼多多": "拼多多", "滴滴": "滴滴",
    "快手": "快手", "宁德时代": "宁德时代", "理想汽车": "理想汽车", "理想": "理想汽车",
    "蔚来": "蔚来汽车", "小鹏": "小鹏汽车", "吉利": "吉利汽车", "长城汽车": "长城汽车",
    "上汽": "上汽集团", "广汽": "广汽集团", "一汽": "中国一汽", "东风": "东风汽车",
    "招商银行": "招商银行", "招行": "招商银行", "工商银行": "中国工商银行", "工行": "中国工商银行",
    "建设银行": "中国建设银行", "建行": "中国建设银行", "农业银行": "中国农业银行",
    "农行": "中国农业银行", "中国银行": "中国银行", "中行": "中国银行", "交通银行": "交通银行",
    "交行": "交通银行", "中国平安": "中国平安", "平安": "中国平安", "中国人寿": "中国人寿",
    "中国移动": "中国移动", "中移动": "中国移动", "中国联通": "中国联通", "联通": "中国联通",
    "中国电信": "中国电信", "顺丰": "顺丰", "中通": "中通快递", "圆通": "圆通速递",
    "海康威视": "海康威视", "海康": "海康威视", "大疆": "大疆", "万科": "万科", "碧桂园": "碧桂园",
    "茅台": "贵州茅台", "伊利": "伊利", "蒙牛": "蒙牛", "台积电": "台积电", "鸿海": "鸿海",
    "富士康": "富士康", "联发科": "联发科", "华硕": "华硕", "宏碁": "宏碁", "广达": "广达",
    "光宝": "光宝", "长荣": "长荣", "中华电信": "中华电信", "玉山银行": "玉山银行",
    "玉山": "玉山银行", "国泰": "国泰", "富邦": "富邦", "统一": "统一企业", "台塑": "台塑",
    "太古": "太古", "新鸿基": "新鸿基", "汇丰": "汇丰银行", "中信": "中信", "携程": "携程",
    "苏宁": "苏宁", "国美": "国美", "瑞幸": "瑞幸咖啡", "特斯拉": "特斯拉", "西门子": "西门子",
    "微软": "微软", "三星": "三星", "博世": "博世", "宝马": "宝马", "奔驰": "奔驰", "大众": "大众",
    "中石油": "中国石油", "中石化": "中国石化", "国家电网": "国家电网", "国网": "国家电网",
    "浦发": "浦发银行", "兴业": "兴业银行", "民生银行": "民生银行", "光大": "光大银行",
    "中芯": "中芯国际", "京东方": "京东方", "立讯": "立讯精密", "迈瑞": "迈瑞医疗",
    "恒瑞": "恒瑞医药", "药明": "药明康德", "安踏": "安踏", "李宁": "李宁", "海底捞": "海底捞",
    "vivo": "vivo", "oppo": "OPPO", "荣耀": "荣耀",
}
# What follows a company's name and still belongs to it: 京东物流, 华为数字能源, 長榮航空.
ORG_SUFFIX = re.compile(
    r"(?:集团|公司|股份|有限公司|银行|科技|汽车|航空|电信|地产|物流|证券|保险|医院|大学|电子|企业"
    r"|能源|数字能源|时代|电器|制药|药业|通信|通讯|软件|网络|半导体|电气|云|金融|智能|医疗|快递"
    r"|中国区|中国|总部|分公司)"
)
# A department or role between company and person: 京东采购部张总, 他们IT的黄工.
DEPARTMENT = re.compile(
    r"(?:的|嘅|那边的|那边|这边的)?(?:采购部|采购|财务部|财务|法务|it部|it|技术部|技术|市场部|市场"
    r"|工程部|销售部|行政|运营|人事|hr|研发|质量部|品质部|信息部|中国区|总部)?(?:的|嘅)?"
)
# Latin words in Chinese text that are jargon, not names.
LATIN_JARGON = _set(
    "po rfp rfq bom it qbr okr cfo ceo cto cio coo vp hr pm poc roi kpi sow nda msa sla "
    "line ok ap "
    "erp crm saas api bd ai ipo ppt pdf excel teams zoom wechat demo quote quotation pricing "
    "price scope proposal feedback review push approve approved approval deck sample samples "
    "opportunity stage deal contract invoice budget follow up followup call email mail meeting "
    "sales it's tomorrow today tonight help q1 q2 q3 q4 fyi pls asap eod eow yday tmr tmrw nego "
    "offer order renewal renew update status boss ok了 gg"
)

# English words that start with a capital letter and are still not names.
EN_STOP = _set(
    "happy merry hey dear cheers congrats congratulations welcome sorry yay wow hooray "
    "procurement purchasing finance legal engineering marketing accounting operations "
    "closed-won closed-lost closed-won: won: lost: "
    "whether if whats what's shes hes theyre im ive youre thats there's "
    "i we he she they it my me the a an today tomorrow yesterday tonight this next last morning "
    "afternoon evening met meet visited visit called call follow up sent send quote remind show "
    "find check and about with to for on at in of deal won lost pipeline help please monday "
    "tuesday wednesday thursday friday saturday sunday january february march april may june "
    "july august september october november december had did spoke talked emailed texted phoned "
    "look lookup info is was who what how how's hi hello ok okay thanks re regarding signed "
    "paid moved move advance stage proposal contract payment us our their his her need needs "
    "meeting demo went saw from by that these those just again then fyi pls please can could "
    "would will don't dont do does let let's any some all great quick bad good nice fine sadly "
    "unfortunately update pull ping set mark log add bump close closed closing caught spent "
    "rang pasting notes note teams zoom webex slack whatsapp wechat line email mail phone po "
    "rfp nda msa sow roi cfo ceo cto cio vp it hr ap ar q1 q2 q3 q4 eod eow asap kickoff pilot "
    "budget timeline next: pain points owner news also still so but or if when where which "
    "there here yes no not they're he's she's we're i'll i'm i've we'll great! voicemail "
    "renewal invoice order account contacts contact notes status deck sandbox dashboard "
    "architecture integration spec price list conference expo booth plant campus office board "
    "audit christmas xmas new year reminder remember forget don't tell ask asked wants want "
    "wanted approved loved agreed booked scheduled reconvene reach out circle back touch base "
    "try tried says said told quote lunch dinner coffee breakfast"
)
EN_TITLES = ("mr", "ms", "mrs", "dr", "prof", "mr.", "ms.", "mrs.", "dr.", "prof.")
