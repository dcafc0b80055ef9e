"""compute/ranking.py: competition ranking on printed (rounded) values, ties, missing values."""

from __future__ import annotations

from decimal import Decimal

import pytest
from unit_inputs import county

from reportgen.compute.ranking import Entry, consecutive_bottom, rank, rounded

D = Decimal
A, B, C, E, F, G = (county(f"{n}区", "南京市", i) for i, n in enumerate("甲乙丙丁戊己", start=1))


def places(ranking):
    return [(p.unit.name, str(p.value) if p.value is not None else None, p.rank, p.rank_from_worst)
            for p in ranking.placed]


def test_same_printed_value_ties_and_the_next_place_is_skipped():
    r = rank([Entry(A, D("10.04")), Entry(B, D("9.96")), Entry(C, D("10.06")), Entry(E, D("9.0"))], "lower")
    # printed with one decimal: 10.0, 10.0, 10.1, 9.0 → 丁 1, 甲 乙 2 (fixed order inside the tie), 丙 4
    assert places(r) == [("丁区", "9.0", 1, 4), ("甲区", "10.0", 2, 2), ("乙区", "10.0", 2, 2),
                         ("丙区", "10.1", 4, 1)]
    assert [[p.unit.name for p in g] for g in r.groups()] == [["丁区"], ["甲区", "乙区"], ["丙区"]]


def test_tie_group_keeps_the_fixed_order_whatever_the_input_order():
    r = rank([Entry(C, D("5.0")), Entry(A, D("5.0")), Entry(B, D("5.0"))], "lower")
    assert [p.unit.name for p in r.placed] == ["甲区", "乙区", "丙区"]
    assert {p.rank for p in r.placed} == {1} and {p.rank_from_worst for p in r.placed} == {1}


def test_rounding_rule_decides_whether_two_values_tie():
    entries = [Entry(A, D("10.25")), Entry(B, D("10.3"))]
    even = rank(entries, "lower", rounding="half_even")      # 10.25 → 10.2 (GB/T 8170)
    up = rank(entries, "lower", rounding="half_up")          # 10.25 → 10.3, the same as 乙
    assert places(even) == [("甲区", "10.2", 1, 2), ("乙区", "10.3", 2, 1)]
    assert places(up) == [("甲区", "10.3", 1, 1), ("乙区", "10.3", 1, 1)]


def test_two_decimals_separate_values_that_tie_at_one():
    entries = [Entry(A, D("3.634")), Entry(B, D("3.63")), Entry(C, D("3.68")), Entry(E, D("3.71"))]
    one = rank(entries, "lower", decimals=1)
    two = rank(entries, "lower", decimals=2)
    assert [p.rank for p in one.placed] == [1, 1, 3, 3]     # 3.6 3.6 3.7 3.7
    assert places(two) == [("甲区", "3.63", 1, 3), ("乙区", "3.63", 1, 3), ("丙区", "3.68", 3, 2),
                           ("丁区", "3.71", 4, 1)]


def test_rounded_half_even_and_half_up():
    assert str(rounded(D("2.35"))) == "2.4" and str(rounded(D("2.45"))) == "2.4"
    assert str(rounded(D("2.45"), rounding="half_up")) == "2.5"
    assert str(rounded(D("7"), decimals=2)) == "7.00"


def test_higher_is_better_ranks_the_largest_first():
    r = rank([Entry(A, D("80.0")), Entry(B, D("92.5")), Entry(C, D("80.04"))], "higher")
    assert places(r) == [("乙区", "92.5", 1, 3), ("甲区", "80.0", 2, 1), ("丙区", "80.0", 2, 1)]


def test_missing_values_are_excluded_and_listed_in_fixed_order():
    r = rank([Entry(C, None, "未报送"), Entry(B, D("30")), Entry(A, None, "无有效数据"), Entry(E, D("20"))],
             "lower")
    assert places(r) == [("丁区", "20.0", 1, 2), ("乙区", "30.0", 2, 1)]
    assert [(e.unit.name, e.reason) for e in r.not_ranked] == [("甲区", "无有效数据"), ("丙区", "未报送")]
    assert r.rank_of(A) is None and r.rank_of(B).rank == 2


def test_missing_values_ranked_together_as_worst():
    r = rank([Entry(C, None, "未报送"), Entry(B, D("30")), Entry(A, None), Entry(E, D("20"))], "lower",
             missing="worst")
    assert places(r) == [("丁区", "20.0", 1, 4), ("乙区", "30.0", 2, 3), ("甲区", None, 3, 1), ("丙区", None, 3, 1)]
    assert r.not_ranked == ()
    assert r.placed[-1].reason == "未报送"


def test_top_and_bottom_hold_whole_tie_groups():
    values = {A: "1", B: "2", C: "2", E: "3", F: "4", G: "4"}
    r = rank([Entry(u, D(v)) for u, v in values.items()], "lower")
    names = lambda groups: [[p.unit.name for p in g] for g in groups]  # noqa: E731
    assert names(r.top(2)) == [["甲区"], ["乙区", "丙区"]]
    assert names(r.top(1)) == [["甲区"]]
    # worst first: 戊 己 tie for 倒1, 丁 is 倒3
    assert names(r.bottom(1)) == [["戊区", "己区"]]
    assert names(r.bottom(3)) == [["戊区", "己区"], ["丁区"]]


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        rank([Entry(A, D(1))], "smaller")
    with pytest.raises(ValueError):
        rank([Entry(A, D(1))], "lower", missing="ignore")


def test_consecutive_bottom_needs_every_ranking():
    def month(order):
        return rank([Entry(u, D(i)) for i, u in enumerate(order)], "lower")

    m1 = month([A, B, C, E, F])      # bottom 2: 丁 戊
    m2 = month([B, A, F, E, C])      # bottom 2: 丁 丙
    m3 = month([A, C, B, F, E])      # bottom 2: 戊 丁
    assert [u.name for u in consecutive_bottom([m1, m2, m3], 2)] == ["丁区"]
    assert [u.name for u in consecutive_bottom([m1, m3], 2)] == ["丁区", "戊区"]
    assert consecutive_bottom([m1, m2, m3], 1) == []
    assert consecutive_bottom([], 3) == []
