"""Fuzzy customer ranking."""

from __future__ import annotations

import functools
import random

import pytest

from handlers.nlu.match import Candidate, rank, resolve, search_key
from tests.calls import python_calls

PEOPLE = [
    Candidate(1, "张三", "华为技术有限公司", "13912345678"),
    Candidate(2, "张三", "腾讯科技", "13800001111"),
    Candidate(3, "李四", "Acme Corp", "+1 415 555 0199"),
    Candidate(4, "John Smith", "Globex"),
    Candidate(5, "张伟", "阿里巴巴"),
    Candidate(6, "王芳"),
    Candidate(7, "Li Wei", "Acme Corp"),
    Candidate(8, "曾小明", "字节跳动"),
    Candidate(9, "陈静", "腾讯科技"),
]


def _ids(query: str) -> list[int]:
    return [c.id for c, _ in rank(query, PEOPLE)]


def _certain(query: str, people: list[Candidate] = PEOPLE) -> int | None:
    found = resolve(query, people).certain
    return found.id if found else None


@pytest.mark.parametrize(
    ("query", "top"),
    [
        ("13912345678", 1),
        ("5678", 1),
        ("华为", 1),
        ("华为张总", 1),
        ("腾讯张总", 2),
        ("腾讯的陈姐", 9),
        ("john smith", 4),
        ("SMITH", 4),
        ("Ｊｏｈｎ Ｓｍｉｔｈ", 4),
        ("Acme's Li", 7),
        ("zengxiaoming", 8),
        ("wangfang", 6),
    ],
)
def test_top_match(query: str, top: int) -> None:
    assert _ids(query)[0] == top


@pytest.mark.parametrize("query", ["张三", "zhangsan", "zs"])
def test_name_pinyin_and_initials_find_both_namesakes(query: str) -> None:
    assert sorted(_ids(query)[:2]) == [1, 2]


def test_exact_match_scores_100_and_outranks_partials() -> None:
    ranked = rank("王芳", [*PEOPLE, Candidate(10, "王芳芳")])
    assert ranked[0][0].id == 6
    assert ranked[0][1] == 100
    assert ranked[1][1] < 95


def test_title_mentions_rank_by_surname_and_boost_company() -> None:
    ranked = rank("张总", PEOPLE)
    assert {c.id for c, _ in ranked} == {1, 2, 5}
    assert resolve("张总", PEOPLE).certain is None
    assert _certain("华为张总") == 1


@pytest.mark.parametrize("query", ["xyz", "", "   ", "😀", "9999", "DROP TABLE customers"])
def test_implausible_queries_match_nothing(query: str) -> None:
    assert rank(query, PEOPLE) == []


def test_search_key_holds_pinyin_and_initials() -> None:
    key = search_key("张三", "华为技术有限公司")
    assert key == key.lower()
    for part in ("张三", "zhangsan", "zs", "华为", "huawei", "hwjsyxgs"):
        assert part in key
    assert "zengxiaoming" in search_key("曾小明", None)
    assert "js" in search_key("John Smith", "Acme Corp").split()


def test_limit_is_respected() -> None:
    assert len(rank("张", PEOPLE, limit=1)) == 1


def test_ranks_a_thousand_candidates_quickly() -> None:
    rng = random.Random(7)
    surnames, given = "张王李赵刘陈杨黄周吴", "伟芳娜敏静丽强磊军洋勇艳杰娟涛明"
    many = [Candidate(i, rng.choice(surnames) + rng.choice(given) + rng.choice(given),
                      rng.choice(["华为", "腾讯", "Acme Corp"]) + str(i), f"139{i:08d}")
            for i in range(1000)]
    rank("zhangwei", many)  # first call fills the pinyin cache
    doubled = many + [Candidate(c.id + 1000, c.name, c.company, c.phone) for c in many]
    rank("zhangwei", doubled)
    for query in ("zhangwei", "华为张总", "acme", "0000123"):  # work counted, not timed
        calls = python_calls(functools.partial(rank, query, many))
        assert calls < 10 * len(many)  # a few calls per candidate (about 5 today)
        assert python_calls(functools.partial(rank, query, doubled)) < 2.2 * calls  # linear


# The demo book's people the reproductions name, plus look-alikes that must not win.
BOOK = [
    Candidate(1, "张三", "华为技术有限公司", "13912345678", "采购经理"),
    Candidate(2, "张总", "腾讯科技", None, "副总裁"),
    Candidate(3, "刘洋", "比亚迪汽车", "13700001111", "供应链主管"),
    Candidate(4, "赵磊", "美的集团", None, "信息化负责人"),
    Candidate(5, "Li Wei", "Acme Corp", None, "CTO"),
    Candidate(6, "Kevin Liu", "Tesla Shanghai", None, "Supply Chain Manager"),
    Candidate(7, "Robert Zhang", "Hooli", None, "Head of Operations"),
]


@pytest.mark.parametrize(
    ("query", "meant"),
    [
        ("Acme's Li", 5), ("Acme Li", 5), ("Li of Acme", 5), ("acme CTO", 5), ("Li Wei", 5),
        ("美的赵总", 4), ("美的的赵总", 4), ("比亚迪刘洋", 3), ("比亚迪 刘洋", 3),
        ("比亚迪刘主管", 3), ("华为张三", 1), ("华为采购经理", 1), ("13912345678", 1),
        ("+86 139 1234 5678", 1), ("腾讯张总", 2), ("张三", 1),
    ],
)
def test_strong_unique_fits_are_certain(query: str, meant: int) -> None:
    assert _certain(query, BOOK) == meant


@pytest.mark.parametrize(
    ("query", "offered"),
    [
        ("Li", 5), ("Liu", 6), ("张山", 1), ("腾迅", 2), ("腾迅张总", 2), ("比亚迪", 3),
        ("华为", 1), ("5678", 1), ("Kevin", 6), ("刘主管", 3), ("zhangsn", 1), ("Mr Li", 5),
        ("张总", 2), ("张总", 1), ("赵总", 4),  # stored as 张总, and 张三 whom people call so
        ("Kevn Liu", 6), ("Acme Corp", 5), ("zs", 1), ("张", 1),
    ],
)
def test_weak_fits_are_only_offered(query: str, offered: int) -> None:
    found = resolve(query, BOOK)
    assert found.certain is None
    assert offered in [c.id for c, _ in found.ranked]


def test_a_lone_weak_match_is_no_certainty() -> None:
    """Li Wei gone from the book: Kevin Liu is at most a suggestion for Acme's Li."""
    without_li = [c for c in BOOK if c.id != 5]
    found = resolve("Acme's Li", without_li)
    assert found.certain is None
    assert all(score < 100 for _, score in found.ranked)


def test_namesakes_are_always_a_choice() -> None:
    twins = [*BOOK, Candidate(8, "张三", "腾讯科技", "13800001111")]
    found = resolve("张三", twins)
    assert found.certain is None
    assert sorted(c.id for c, _ in found.ranked) == [1, 8]
    assert _certain("腾讯张三", twins) == 8
    assert _certain("13800001111", twins) == 8


def test_company_and_person_must_both_fit() -> None:
    assert _certain("Tesla's Li", BOOK) is None  # Li Wei is at Acme, Kevin Liu is not a Li
    assert _certain("Acme Wang", BOOK) is None
    assert 5 in [c.id for c, _ in resolve("Acme Wang", BOOK).ranked]  # someone at Acme
    assert _certain("Hooli's Li", BOOK) is None


def test_any_text_resolves_without_error_and_certainty_is_always_strong() -> None:
    """Random mixtures of the pieces mentions are made of: never an exception, and whatever
    is taken as certain scored as a strong fit."""
    rng = random.Random(17)
    pieces = ["的", "'s ", " of ", "@", "总", "张", "Li", "acme", "比亚迪", " ", "139", "+86",
              "😀", "\u202e", "腾迅", "'", "-", "经理", "Mr ", "0", "ｊ", "\x00"]  # fmt: skip
    for _ in range(1000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
        found = resolve(text, BOOK)
        if found.certain is not None:
            assert found.ranked[0] == (found.certain, 100.0), text
        assert all(60 <= score <= 100 for _, score in found.ranked), text
