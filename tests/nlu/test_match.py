"""Fuzzy customer ranking."""

from __future__ import annotations

import functools
import random

import pytest

from handlers.nlu.match import Candidate, is_clear_winner, rank, search_key
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
    assert not is_clear_winner(ranked)
    assert is_clear_winner(rank("华为张总", PEOPLE))


@pytest.mark.parametrize("query", ["xyz", "", "   ", "😀", "9999", "DROP TABLE customers"])
def test_implausible_queries_match_nothing(query: str) -> None:
    assert rank(query, PEOPLE) == []


def test_is_clear_winner_needs_a_margin() -> None:
    c1, c2 = PEOPLE[0], PEOPLE[1]
    assert is_clear_winner([(c1, 100.0)])
    assert not is_clear_winner([(c1, 100.0), (c2, 100.0)])
    assert not is_clear_winner([(c1, 85.0)])
    assert not is_clear_winner([])


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
