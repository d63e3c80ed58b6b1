"""Business-card photos made up for the OCR tests and bench/cards.py, with their true fields.

Cards are drawn with Pillow in Noto Sans SC / Noto Serif SC (the pylopdf-fonts-zh-cn
package, so no system font is assumed), in several layouts, Chinese and English, then laid
on a table, turned a few degrees, blurred a little and given sensor noise.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pylopdf_fonts_zh_cn
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONTS = Path(pylopdf_fonts_zh_cn.__file__).parent
SANS, SERIF = FONTS / "NotoSansSC-Regular.otf", FONTS / "NotoSerifSC-Regular.otf"
W, H = 1000, 600


@dataclass
class Truth:
    """What the card says; phones as (stored number, extension)."""

    name: str
    title: str
    company: str
    phones: list[tuple[str, str | None]] = field(default_factory=list)
    email: str | None = None
    address: str | None = None
    wechat: str | None = None


@dataclass
class Person:
    truth: Truth
    phone_text: list[str]  # as printed, in the order of truth.phones
    address_lines: list[str]
    en: bool


ZH_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
ZH_GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "志明",
    "晓东",
]
ZH_TITLES = [
    "销售总监",
    "总经理",
    "采购经理",
    "技术总监",
    "大客户经理",
    "高级工程师",
    "市场部经理",
]
ZH_CITIES = [("上海", "上海市浦东新区张江路"), ("深圳", "深圳市南山区科苑路"),
             ("北京", "北京市朝阳区建国路"), ("杭州", "杭州市西湖区文三路"),
             ("广州", "广州市天河区体育西路")]  # fmt: skip
ZH_BRANDS = ["云帆", "华拓", "青禾", "瑞达", "恒信", "启明", "博远", "金桥"]
ZH_TRADES = ["科技", "电子", "贸易", "物流", "医疗器械", "软件"]
ZH_SUFFIX = ["有限公司", "股份有限公司", "集团有限公司"]
EN_FIRST = ["David", "Emily", "Michael", "Sarah", "Kevin", "Linda", "James", "Grace", "Tom"]
EN_LAST = ["Chen", "Wang", "Brown", "Johnson", "Liu", "Smith", "Lee", "Taylor", "Zhou"]
EN_TITLES = ["Sales Manager", "Regional Sales Director", "Chief Technology Officer",
             "Account Executive", "Purchasing Manager", "General Manager",
             "Marketing Director"]  # fmt: skip
EN_BRANDS = ["Acme", "Bluewave", "Northstar", "Greenfield", "Pacific Rim", "Silverline"]
EN_TRADES = ["Widgets", "Technologies", "Logistics", "Trading", "Medical", "Software"]
EN_SUFFIX = ["Co., Ltd.", "Inc.", "LLC", "Limited", "Group"]
EN_STREETS = ["Zhangjiang Road", "Nanjing West Road", "Market Street", "Keyuan Road"]
EN_CITIES = ["Shanghai 201203, China", "Shenzhen 518057, China", "San Francisco, CA 94105"]


def _mobile(rng: random.Random) -> tuple[str, str]:
    digits = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
    a, b, c = digits[:3], digits[3:7], digits[7:]
    shown = rng.choice([f"+86 {a} {b} {c}", f"{a}-{b}-{c}", digits, f"{a} {b} {c}"])
    return digits, shown


def _landline(rng: random.Random) -> tuple[str, str | None, str]:
    area = rng.choice(["021", "010", "0755", "0571"])
    local = f"{rng.randrange(2, 9)}{rng.randrange(10**7):07d}"
    ext = rng.choice([None, str(rng.randrange(100, 999)), str(rng.randrange(10, 99))])
    body = rng.choice([f"{area}-{local[:4]} {local[4:]}", f"({area}) {local}",
                       f"+86 {area[1:]} {local[:4]} {local[4:]}"])  # fmt: skip
    if ext:
        body += rng.choice([f" 转 {ext}", f" ext. {ext}", f"-{ext}"])
    return area + local, ext, body


def person(rng: random.Random, en: bool) -> Person:
    """Someone plausible, with the card's printed forms of their phones and address."""
    mobile, mobile_text = _mobile(rng)
    landline, ext, landline_text = _landline(rng)
    phones: list[tuple[str, str | None]] = [(mobile, None)]
    texts = [mobile_text]
    if rng.random() < 0.7:
        phones.append((landline, ext))
        texts.append(landline_text)
    handle = "".join(rng.choice("abcdefghkmnprstwxyz") for _ in range(rng.randrange(2, 5)))
    wechat = rng.choice(
        [None, f"{handle}_{rng.randrange(10, 999)}", f"wx{handle}{rng.randrange(100, 9999)}"]
    )
    if en:
        first, last = rng.choice(EN_FIRST), rng.choice(EN_LAST)
        brand = rng.choice(EN_BRANDS)
        company = f"{brand} {rng.choice(EN_TRADES)} {rng.choice(EN_SUFFIX)}"
        street = f"{rng.randrange(10, 2999)} {rng.choice(EN_STREETS)}"
        lines = [f"{street}, Suite {rng.randrange(100, 3000)}", rng.choice(EN_CITIES)]
        domain = brand.lower().replace(" ", "") + rng.choice([".com", ".com.cn", ".cn"])
        email = f"{first.lower()}.{last.lower()}@{domain}"
        title = rng.choice(EN_TITLES)
        truth = Truth(f"{first} {last}", title, company, phones, email, ", ".join(lines), wechat)
        return Person(truth, texts, lines, en)
    surname, given = rng.choice(ZH_SURNAMES), rng.choice(ZH_GIVEN)
    city, street = rng.choice(ZH_CITIES)
    brand = rng.choice(ZH_BRANDS)
    company = f"{city}{brand}{rng.choice(ZH_TRADES)}{rng.choice(ZH_SUFFIX)}"
    address = f"{street}{rng.randrange(1, 2000)}号" + rng.choice(["", f"{rng.randrange(2, 30)}楼"])
    email = f"{handle}{rng.randrange(1, 99)}@{brand_pinyin(brand)}.com"
    truth = Truth(surname + given, rng.choice(ZH_TITLES), company, phones, email, address, wechat)
    return Person(truth, texts, [address], en)


def brand_pinyin(brand: str) -> str:
    table = {"云帆": "yunfan", "华拓": "huatuo", "青禾": "qinghe", "瑞达": "ruida",
             "恒信": "hengxin", "启明": "qiming", "博远": "boyuan", "金桥": "jinqiao"}  # fmt: skip
    return table[brand]


class Canvas:
    def __init__(self, rng: random.Random, serif: bool) -> None:
        paper = rng.choice(["#ffffff", "#fbf8f0", "#f4f6f8"])
        self.image = Image.new("RGB", (W, H), paper)
        self.draw = ImageDraw.Draw(self.image)
        self.font_path = SERIF if serif else SANS
        self.ink = rng.choice(["#111111", "#1f2a44", "#333333"])

    def text(self, xy: tuple[float, float], text: str, size: int, anchor: str = "la",
             fill: str | None = None) -> None:  # fmt: skip
        font = ImageFont.truetype(str(self.font_path), size)
        self.draw.text(xy, text, font=font, fill=fill or self.ink, anchor=anchor)


def _contacts(p: Person, labels: bool) -> list[str]:
    t, zh = p.truth, not p.en
    out = []
    for i, shown in enumerate(p.phone_text):
        if labels:
            label = ("手机：" if i == 0 else "电话：") if zh else ("M: " if i == 0 else "T: ")
        else:
            label = "" if i == 0 else ("Tel " if p.en else "电话 ")
        out.append(label + shown)
    out.append(("邮箱：" if zh else "E: ") + str(t.email) if labels else str(t.email))
    if t.wechat:
        out.append(("微信：" if zh else "WeChat: ") + t.wechat)
    return out


def layout_left(c: Canvas, p: Person, rng: random.Random) -> None:
    """Name large at top left, title beside it, company under, labelled contacts below."""
    t = p.truth
    c.text((70, 60), t.name, 64)
    name_w = c.draw.textlength(t.name, ImageFont.truetype(str(c.font_path), 64))
    c.text((70 + name_w + 40, 98), t.title, 28)
    c.text((70, 170), t.company, 32)
    c.draw.line((70, 228, 930, 228), fill="#999999", width=2)
    y = 250
    for line in [*_contacts(p, labels=True), *_address(p, labels=True)]:
        c.text((70, y), line, 25)
        y += 40


def _address(p: Person, labels: bool) -> list[str]:
    if not labels:
        return p.address_lines
    if p.en:
        return ["Add: " + p.address_lines[0], *p.address_lines[1:]]
    return ["地址：" + p.address_lines[0]]


def layout_center(c: Canvas, p: Person, rng: random.Random) -> None:
    """Company across the top, name and title centred, contacts centred underneath."""
    t = p.truth
    c.text((W / 2, 40), t.company, 30, "ma")
    c.text((W / 2, 120), t.name, 60, "ma")
    c.text((W / 2, 205), t.title, 28, "ma")
    y = 275
    for line in [*_contacts(p, labels=rng.random() < 0.5), *_address(p, labels=False)]:
        c.text((W / 2, y), line, 24, "ma")
        y += 38


def layout_band(c: Canvas, p: Person, rng: random.Random) -> None:
    """A coloured band on the left with the brand; the person and contacts on the right."""
    t = p.truth
    colour = rng.choice(["#0b5394", "#7f1d1d", "#14532d"])
    c.draw.rectangle((0, 0, 300, H), fill=colour)
    brand = t.company.split()[0] if p.en else t.company[2:4]
    c.text((150, H / 2), brand, 48, "mm", fill="#ffffff")
    c.text((340, 50), t.name, 56)
    c.text((340, 130), t.title, 26)
    c.text((340, 175), t.company, 26)
    y = 250
    for line in [*_contacts(p, labels=rng.random() < 0.5), *_address(p, labels=True)]:
        c.text((340, y), line, 23)
        y += 38


def layout_split(c: Canvas, p: Person, rng: random.Random) -> None:
    """Company top left; name and title bottom left; contacts in a column on the right."""
    t = p.truth
    c.text((60, 50), t.company, 30)
    c.text((60, 380), t.name, 58)
    c.text((60, 465), t.title, 26)
    lines = _contacts(p, labels=True)
    y = 160
    for line in lines:
        c.text((940, y), line, 22, "ra")
        y += 36
    for line in _address(p, labels=False):
        c.text((940, y), line, 22, "ra")
        y += 36


LAYOUTS: list[Callable[[Canvas, Person, random.Random], None]] = [
    layout_left,
    layout_center,
    layout_band,
    layout_split,
]


def card_photo(
    seed: int, en: bool | None = None, layout: int | None = None
) -> tuple[bytes, Truth]:
    """A PNG photo of a made-up card and what it says; the same seed, the same card."""
    rng = random.Random(seed)
    p = person(rng, rng.random() < 0.5 if en is None else en)
    canvas = Canvas(rng, serif=rng.random() < 0.3)
    LAYOUTS[seed % len(LAYOUTS) if layout is None else layout](canvas, p, rng)
    return _photograph(canvas.image, rng), p.truth


def _photograph(card: Image.Image, rng: random.Random) -> bytes:
    """On a table, a few degrees off, slightly soft, with sensor noise."""
    table = Image.new("RGB", (W + 160, H + 160), rng.choice(["#6b6b6b", "#8a7a66", "#4a5560"]))
    table.paste(card, (80, 80))
    turned = table.rotate(rng.uniform(-3, 3), resample=Image.Resampling.BICUBIC,
                          fillcolor="#555555")  # fmt: skip
    noise = Image.effect_noise(turned.size, 40).convert("RGB")
    noisy = Image.blend(turned, noise, 0.08).filter(ImageFilter.GaussianBlur(0.6))
    out = io.BytesIO()
    noisy.save(out, "PNG")
    return out.getvalue()
