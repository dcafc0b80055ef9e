"""compute/composite_index.py: HJ 663-2013 percentile, period statistics, index parts, validity days.
Expected values are worked out by hand from the standard's formula: sort X(1) ≤ … ≤ X(n);
k = 1 + (n − 1)·p/100; s = ⌊k⌋; m_p = X(s) + (X(s+1) − X(s))·(k − s)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reportgen.compute.composite_index import (
    DayValues,
    index_parts,
    load_shares,
    min_days,
    percentile,
    period_concentrations,
    statistic,
)

D = Decimal


def ds(*xs):
    return [D(str(x)) for x in xs]


def test_percentile_interpolates_between_order_statistics():
    xs = ds(5, 1, 9, 3, 7)                      # sorted 1 3 5 7 9, n = 5
    assert percentile(xs, 90) == D("8.2")       # k = 1 + 4·0.9 = 4.6: 7 + (9 − 7)·0.6
    assert percentile(xs, 95) == D("8.6")       # k = 4.8: 7 + 2·0.8
    assert percentile(xs, 50) == D("5")         # k = 3: X(3)
    assert percentile(xs, 0) == D("1")          # k = 1: the smallest
    assert percentile(xs, 100) == D("9")        # k = n: the largest


def test_percentile_matches_the_textbook_percentile_inc_example():
    # k = 1 + 4·0.4 = 2.6: 20 + (35 − 20)·0.6 = 29
    assert percentile(ds(15, 20, 35, 40, 50), 40) == D("29")


def test_percentile_of_thirty_days():
    xs = ds(*range(1, 31))                      # 1 … 30
    assert percentile(xs, 95) == D("28.55")     # k = 1 + 29·0.95 = 28.55: 28 + 1·0.55
    assert percentile(xs, 90) == D("27.1")      # k = 1 + 29·0.9 = 27.1


def test_percentile_of_one_value_and_of_none():
    assert percentile(ds("1.2"), 95) == D("1.2")
    with pytest.raises(ValueError):
        percentile([], 90)


def test_statistic_is_the_mean_except_for_co_and_o3():
    xs = ds(10, 20, 30, 40, 100)
    assert statistic("pm25", xs) == D(40)
    assert statistic("no2", xs) == D(40)
    assert statistic("co", xs) == D(88)         # k = 1 + 4·0.95 = 4.8: 40 + 60·0.8
    assert statistic("o3", xs) == D(76)         # k = 4.6: 40 + 60·0.6


def test_index_parts_divide_by_the_standards():
    c = {"pm25": D(35), "pm10": D(35), "so2": D(6), "no2": D(20), "co": D("1.2"), "o3": D(200)}
    parts = index_parts(c)
    assert parts == {"pm25": D(1), "pm10": D("0.5"), "so2": D("0.1"), "no2": D("0.5"), "co": D("0.3"),
                     "o3": D("1.25")}
    assert sum(parts.values()) == D("3.65")
    shares = load_shares(parts)
    assert shares["o3"] == D("1.25") / D("3.65") * 100
    assert sum(shares.values()).quantize(D("0.000001")) == D(100)


def test_index_parts_need_all_six_pollutants():
    c = {"pm25": D(35), "pm10": D(70), "so2": D(60), "no2": D(40), "co": D(4)}
    assert index_parts(c) is None


def test_min_days_february_25_else_27():
    assert [min_days(2021, m) for m in (1, 2, 3, 12)] == [27, 25, 27, 27]
    assert min_days(2024, 2) == 25


def six(**over):
    v = {"pm25": D(30), "pm10": D(50), "so2": D(6), "no2": D(20), "co": D("0.8"), "o3": D(100)}
    v.update({k: D(str(x)) for k, x in over.items()})
    return v


def test_period_concentrations_pool_the_days_and_leave_out_a_short_pollutant():
    # January: 27 valid days. February: 25 days, but PM2.5 on only 24 of them.
    jan = [DayValues(d, six(), d) for d in range(1, 28)]
    feb = [DayValues(d, six(pm10=76, co=("2.0" if d > 22 else "0.8")), d) for d in range(1, 26)]
    feb[0] = DayValues(1, {k: v for k, v in feb[0].values.items() if k != "pm25"}, 1)
    values, short = period_concentrations([(2021, 1, jan), (2021, 2, feb)])
    assert short == [(2, "pm25", 24)]
    assert "pm25" not in values
    # PM10: the mean over the 52 days, not the mean of the two monthly means (63)
    assert values["pm10"] == D(27 * 50 + 25 * 76) / 52 == D("62.5")
    # CO: 49 days of 0.8 and 3 of 2.0, n = 52; k = 1 + 51·0.95 = 49.45: 0.8 + 1.2·0.45
    assert values["co"] == D("1.34")
    assert values["o3"] == D(100) and values["so2"] == D(6) and values["no2"] == D(20)


def test_period_concentrations_month_below_27_days_is_short_for_every_pollutant():
    march = [DayValues(d, six(), d) for d in range(1, 27)]        # 26 days
    values, short = period_concentrations([(2021, 3, march)])
    assert values == {}
    assert short == [(3, p, 26) for p in ("pm25", "pm10", "so2", "no2", "co", "o3")]
