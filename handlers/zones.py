"""Time zones named the way people say them: 北京, New York, tokyo, Asia/Shanghai, utc+8.

Cities people name most often map to their IANA zone; any IANA name works in any case, and so
does its city part alone ("los angeles" → America/Los_Angeles). Whatever is not recognised
returns None: the caller asks again rather than guessing.
"""

from __future__ import annotations

import re
from functools import cache
from zoneinfo import available_timezones

# Chinese cities all keep Beijing time; the common ones are listed so 成都 or 深圳 work.
_CHINA_TEXT = (
    "北京 上海 广州 深圳 杭州 南京 苏州 成都 重庆 武汉 西安 天津 长沙 郑州 济南 青岛 厦门 福州 "
    "合肥 沈阳 大连 哈尔滨 长春 昆明 南宁 贵阳 南昌 石家庄 太原 宁波 无锡 东莞 佛山 珠海 "
    "乌鲁木齐 拉萨 兰州 呼和浩特 海口 三亚 中国 北京时间 "
    "beijing shanghai guangzhou shenzhen hangzhou nanjing suzhou chengdu chongqing wuhan "
    "xian xi'an tianjin changsha zhengzhou jinan qingdao xiamen china peking"
)

_PLACES: dict[str, str] = {
    **{city: "Asia/Shanghai" for city in _CHINA_TEXT.split()},
    "香港": "Asia/Hong_Kong", "hong kong": "Asia/Hong_Kong", "hongkong": "Asia/Hong_Kong",
    "澳门": "Asia/Macau", "macau": "Asia/Macau", "macao": "Asia/Macau",
    "台北": "Asia/Taipei", "台湾": "Asia/Taipei", "taipei": "Asia/Taipei",
    "东京": "Asia/Tokyo", "大阪": "Asia/Tokyo", "日本": "Asia/Tokyo", "osaka": "Asia/Tokyo",
    "首尔": "Asia/Seoul", "韩国": "Asia/Seoul",
    "新加坡": "Asia/Singapore", "吉隆坡": "Asia/Kuala_Lumpur", "曼谷": "Asia/Bangkok",
    "雅加达": "Asia/Jakarta", "胡志明市": "Asia/Ho_Chi_Minh", "河内": "Asia/Bangkok",
    "hanoi": "Asia/Bangkok", "ho chi minh city": "Asia/Ho_Chi_Minh",
    "saigon": "Asia/Ho_Chi_Minh", "马尼拉": "Asia/Manila", "迪拜": "Asia/Dubai",
    "孟买": "Asia/Kolkata", "新德里": "Asia/Kolkata",
    "印度": "Asia/Kolkata", "mumbai": "Asia/Kolkata", "delhi": "Asia/Kolkata",
    "new delhi": "Asia/Kolkata", "bangalore": "Asia/Kolkata", "bengaluru": "Asia/Kolkata",
    "伦敦": "Europe/London", "英国": "Europe/London", "uk": "Europe/London",
    "巴黎": "Europe/Paris", "柏林": "Europe/Berlin", "法兰克福": "Europe/Berlin",
    "frankfurt": "Europe/Berlin", "munich": "Europe/Berlin", "慕尼黑": "Europe/Berlin",
    "莫斯科": "Europe/Moscow", "马德里": "Europe/Madrid", "罗马": "Europe/Rome",
    "阿姆斯特丹": "Europe/Amsterdam", "苏黎世": "Europe/Zurich", "伊斯坦布尔": "Europe/Istanbul",
    "纽约": "America/New_York", "波士顿": "America/New_York", "华盛顿": "America/New_York",
    "boston": "America/New_York", "washington": "America/New_York", "miami": "America/New_York",
    "washington dc": "America/New_York", "atlanta": "America/New_York",
    "芝加哥": "America/Chicago", "达拉斯": "America/Chicago", "休斯顿": "America/Chicago",
    "dallas": "America/Chicago", "houston": "America/Chicago", "austin": "America/Chicago",
    "丹佛": "America/Denver", "洛杉矶": "America/Los_Angeles", "旧金山": "America/Los_Angeles",
    "硅谷": "America/Los_Angeles", "西雅图": "America/Los_Angeles",
    "san francisco": "America/Los_Angeles", "seattle": "America/Los_Angeles",
    "silicon valley": "America/Los_Angeles", "san jose": "America/Los_Angeles",
    "多伦多": "America/Toronto", "温哥华": "America/Vancouver", "蒙特利尔": "America/Toronto",
    "montreal": "America/Toronto", "墨西哥城": "America/Mexico_City",
    "圣保罗": "America/Sao_Paulo", "悉尼": "Australia/Sydney", "墨尔本": "Australia/Melbourne",
    "奥克兰": "Pacific/Auckland", "auckland": "Pacific/Auckland",
    "utc": "UTC", "gmt": "UTC", "协调世界时": "UTC",
}  # fmt: skip

_OFFSET = re.compile(r"^(?:utc|gmt)\s*([+-])\s*(\d{1,2})$")


def _key(text: str) -> str:
    return re.sub(r"[\s_]+", " ", text.strip().casefold()).removesuffix("市").strip()


@cache
def _places() -> dict[str, str]:
    return {_key(place): zone for place, zone in _PLACES.items()}


@cache
def _iana() -> dict[str, str]:
    """Every IANA name by folded key; a city part that names one Area/City zone alone maps to
    it, ahead of old single-word links ("singapore": Asia/Singapore, not Singapore)."""
    names = sorted(available_timezones())
    by_city: dict[str, list[str]] = {}
    for name in names:
        if "/" in name and not name.startswith("Etc/"):
            by_city.setdefault(_key(name.rsplit("/", 1)[-1]), []).append(name)
    found = {_key(name): name for name in names}
    found.update({city: zones[0] for city, zones in by_city.items() if len(zones) == 1})
    return found


def zone_for(text: str) -> str | None:
    """The IANA zone `text` names, or None."""
    key = _key(text)
    if not key:
        return None
    place = _places().get(key)
    if place:
        return place
    offset = _OFFSET.match(key)
    if offset:  # Etc/GMT signs are inverted: UTC+8 is Etc/GMT-8
        sign, hours = offset.groups()
        if int(hours) == 0:
            return "UTC"
        name = f"Etc/GMT{'-' if sign == '+' else '+'}{int(hours)}"
        return name if name in available_timezones() else None
    return _iana().get(key)
