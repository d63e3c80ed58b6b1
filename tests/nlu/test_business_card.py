"""Business-card fields from recognised text lines (what OCR returns), Chinese and English."""

from __future__ import annotations

import pytest

from handlers.nlu.business_card import CardFields, OcrLine, Phone, extract, respace


def card(*lines: str | tuple[str, float]) -> CardFields:
    """Lines top to bottom; a (text, height) pair sets the print size (default 30 px)."""
    out, y = [], 20.0
    for line in lines:
        text, height = line if isinstance(line, tuple) else (line, 30.0)
        out.append(OcrLine(text, (60.0, y, 60.0 + 20 * len(text), y + height)))
        y += height + 10
    return extract(out)


def test_chinese_card_with_labels() -> None:
    got = card(
        ("张伟", 60),
        "销售总监",
        "上海云帆科技有限公司",
        "手机：+86 139 1234 5678",
        "电话：021-6552 1234 转 808",
        "传真：021-6552 1235",
        "邮箱：ZhangWei@YunFan.com.cn",
        "地址：上海市浦东新区张江路88号",
        "微信：zw_yunfan88",
        "www.yunfan.com.cn",
    )
    assert (got.name, got.title, got.company) == ("张伟", "销售总监", "上海云帆科技有限公司")
    assert got.phones == [Phone("13912345678"), Phone("02165521234", "808")]  # no fax
    assert (got.email, got.wechat) == ("zhangwei@yunfan.com.cn", "zw_yunfan88")
    assert got.address == "上海市浦东新区张江路88号"
    assert got.looks_like_card()


def test_english_card_two_line_address_and_extension() -> None:
    got = card(
        ("David Chen", 60),
        "Regional Sales Director",
        "Acme Widgets Co., Ltd.",
        "Add: 1288 Zhangjiang Road, Suite 1201",
        "Shanghai 201203, China",
        "T: +86 21 6552 1234-808",
        "M: +86 139 1234 5678",
        "E: david.chen@acme.com",
        "WeChat: davidchen88",
    )
    assert (got.name, got.title) == ("David Chen", "Regional Sales Director")
    assert got.company == "Acme Widgets Co., Ltd."
    assert got.address == "1288 Zhangjiang Road, Suite 1201, Shanghai 201203, China"
    assert got.phones == [Phone("02165521234", "808"), Phone("13912345678")]
    assert (got.email, got.wechat) == ("david.chen@acme.com", "davidchen88")


def test_ocr_without_spaces_and_unlabelled_lines() -> None:
    """Small Latin print comes back without spaces; the +86 and labels without a colon hold."""
    got = card(
        ("Tom Chen", 60),
        "Purchasing Manager",
        "AcmeLogisticsCo.,Ltd.",
        "M:18237796968",
        "电话+861034654764-26",
        "T:(0571)67606112转13",
        "Tel0755-50789271",
        "2248ZhangjiangRoad,Suite1409",
        "SanFrancisco,CA94105",
    )
    assert got.company == "Acme Logistics Co., Ltd."
    assert got.phones == [
        Phone("18237796968"),
        Phone("01034654764", "26"),
        Phone("057167606112", "13"),
        Phone("075550789271"),
    ]
    assert got.address == "2248 Zhangjiang Road, Suite 1409, San Francisco, CA 94105"


@pytest.mark.parametrize(
    ("line", "name", "title"),
    [
        ("张伟销售总监", "张伟", "销售总监"),
        ("王芳 | 大客户经理", "王芳", "大客户经理"),
        ("高级工程师", "李静", "高级工程师"),  # 高 is a surname, 高级 is not a name
    ],
)
def test_name_and_title_on_one_line(line: str, name: str, title: str) -> None:
    got = card(("李静", 40), line, "北京华信集团", "13912345678")
    assert (got.name, got.title, got.company) == (name, title, "北京华信集团")


def test_the_name_is_the_largest_name_shaped_line_not_the_logo() -> None:
    got = card(
        ("青禾", 70),  # the brand, printed biggest
        ("陈晓东", 50),
        "采购经理",
        "杭州青禾贸易有限公司",
        "138-1673-1419",
        ("Chen Xiaodong", 24),
    )
    assert (got.name, got.company) == ("陈晓东", "杭州青禾贸易有限公司")


def test_landline_forms() -> None:
    got = card("Tel (010) 6552-1234 ext. 12", "0755-8888 6666", "+1 (415) 555-0100")
    assert got.phones == [Phone("01065521234", "12"), Phone("075588886666"), Phone("+14155550100")]


def test_a_shop_sign_or_whiteboard_is_not_a_card() -> None:
    assert not card("欢迎光临", "营业时间 9:00-18:00").looks_like_card()
    assert not card("Q3 pipeline review", "Budget 2027").looks_like_card()
    assert not extract([]).looks_like_card()


def test_full_width_and_spaced_names() -> None:
    full_width = ("ＴＥＬ：１３９ １２３４ ５６７８", "ｅ：ｚｗ＠ｙｕｎｆａｎ．ｃｏｍ")
    got = card(("张　伟", 60), *full_width)
    assert (got.name, got.phones, got.email) == ("张伟", [Phone("13912345678")], "zw@yunfan.com")


def test_respace_keeps_cjk_and_emails() -> None:
    assert respace("上海市浦东新区A座1201室") == "上海市浦东新区A座1201室"
    assert respace("Suite1409,Shanghai") == "Suite 1409, Shanghai"
