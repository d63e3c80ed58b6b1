"""Text normalisation and numerals shared by the NLU parsers.

Every transformation here maps one character to exactly one character, so offsets found in the
normalised text are valid offsets into the user's original text.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ._hant import HANT_TO_HANS

# Traditional (and Cantonese) characters that occur in date/time/money phrases, mapped to their
# simplified forms so the grammar only has to spell each word once.
_TRAD_PAIRS = (
    "週周 禮礼 點点 號号 個个 後后 鐘钟 時时 兩两 這这 間间 晝昼 節节 勞劳 動动 婦妇 兒儿 "
    "軍军 國国 慶庆 門门 歸归 紀纪 聖圣 誕诞 萬万 樹树 頭头 尋寻 聽听 來来 從从 際际 權权 "
    "費费 東东 陽阳 曆历 農农 歷历 過过 們们 單单 項项 額额 塊块 圓圆 億亿 麼么 內内 幾几 "
    "錢钱 價价 簽签 約约 嗎吗 剛刚 還还 見见 談谈 給给 電电 話话 與与 會会 議议 於于 裡里 "
    "週周 鐘钟 曉晓 總总 經经 師师 戶户 訂订 貨货 報报 漏漏 轉转 贏赢 輸输 幫帮 麼么 嚮向 "
    "週周 齊齐 齋斋 靈灵 復复 難难 臨临 誦诵 獻献 燈灯 豐丰 爾尔 邊边 廣广 灣湾 區区 體体 "
    "聯联 絡络 訪访 問问 實实 貝贝 穌稣 鬥斗 壽寿 誌志 預预 計计 續续 產产 業业 開开 關关 "
    "們们 "
)
_TRAD_MAP = HANT_TO_HANS | {pair[0]: pair[1] for pair in _TRAD_PAIRS.split()}

_ZH_DIGITS = {
    "零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}

ZH_NUM = "[零〇○一二两三四五六七八九十百千]+"
NUM = rf"(?:\d+|{ZH_NUM})"
CJK = re.compile(r"[\u4e00-\u9fff]")


# Full-width ASCII (Ｕ＄３) and the ideographic space fold to their half-width forms.
_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0xFFE5: 0xA5}
_FOLD = str.maketrans({**_WIDTH, **{ord(k): ord(v) for k, v in _TRAD_MAP.items()}})


def _lower_char(ch: str) -> str:
    low = ch.lower()
    return low if len(low) == 1 else ch


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """Fold width, case and traditional characters; the result has the same length as text."""
    folded = text.translate(_FOLD)
    low = folded.lower()
    # A few letters (İ) lower-case to two characters; keep offsets aligned for those.
    return low if len(low) == len(folded) else "".join(map(_lower_char, folded))


def zh_int(token: str) -> int | None:
    """Value of an Arabic or Chinese integer such as 15, 十五, 二十三, 两千, 二零一五."""
    if not token:
        return None
    if token.isdigit():
        return int(token)
    if all(ch in _ZH_DIGITS for ch in token):  # digit by digit: 二零一五
        value = 0
        for ch in token:
            value = value * 10 + _ZH_DIGITS[ch]
        return value
    total, digit = 0, None
    for ch in token:
        if ch in _ZH_DIGITS:
            digit = _ZH_DIGITS[ch]
        elif ch in _ZH_UNITS:
            total += (1 if digit is None else digit) * _ZH_UNITS[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)


_EN_NUMS = {
    "zero": 0, "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "couple": 2, "pair": 2, "few": 3, "several": 3,
}
EN_NUM_WORD = (
    r"(?:(?:twenty|thirty|forty|fifty)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen|eighteen|nineteen)"
)


def en_int(token: str) -> int | None:
    """Value of 7, seven, twenty-one, a, a couple of, few."""
    token = token.strip().replace("-", " ")
    if token.isdigit():
        return int(token)
    words = token.split()
    if len(words) > 1:  # "a few", "a couple of": the article is not a number
        words = [w for w in words if w not in ("a", "an", "of")]
    total = 0
    for word in words:
        if word not in _EN_NUMS:
            return None
        total += _EN_NUMS[word]
    return total

