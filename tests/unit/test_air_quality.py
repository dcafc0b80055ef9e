"""compute/air_quality.py: a unit's figures for a month, a quarter and 1—N月 from hand-made archives."""

from __future__ import annotations

from decimal import Decimal

import pytest
from unit_inputs import NANJING, WUXI, XUANWU, archive, report, submission, values

from reportgen.compute.air_quality import Period, change, mean, period_for, previous_months, unit_figures
from reportgen.compute.composite_index import DailyUnitReport, DayValues

D = Decimal
SIX = dict(pm10=70, so2=60, no2=40, co=4, o3=160)     # each at its standard: C/S = 1


def month_sub(month, pm25, good, valid):
    return submission(NANJING, month, [report(NANJING, pm25=pm25, good_days=good, valid_days=valid)])


def test_single_month_figures():
    a = archive(submission(NANJING, "2021-05", [report(NANJING, pm25="35", good_days=20, valid_days=31, **SIX)]))
    f = unit_figures(a, NANJING, period_for("2021-05", "month"))
    assert f.pm25 == D(35)
    assert f.good_rate == D(20) / D(31) * 100
    assert f.composite == D(6)                            # six parts of 1
    assert f.composite_parts == {p: D(1) for p in ("pm25", "pm10", "so2", "no2", "co", "o3")}
    assert f.reasons == {}


def test_single_month_rate_only_and_no_six_pollutants():
    a = archive(submission(NANJING, "2021-05", [report(NANJING, pm25="35", good_rate="83.9")]))
    f = unit_figures(a, NANJING, period_for("2021-05", "month"))
    assert f.good_rate == D("83.9")
    assert f.composite is None and f.reasons == {"composite": "未报送全部六项污染物"}


def test_quarter_pm25_weighted_by_valid_days_and_rate_from_day_counts():
    a = archive(month_sub("2021-01", "40", 20, 31), month_sub("2021-02", "50", 15, 28),
                month_sub("2021-03", "30", 25, 30))
    f = unit_figures(a, NANJING, period_for("2021-03", "quarter"))
    assert f.pm25 == D(40 * 31 + 50 * 28 + 30 * 30) / D(89)           # 3540 / 89, not (40+50+30)/3
    assert f.good_rate == D(60) / D(89) * 100
    # no daily sheets: no index for a period of several months, and the reason names the months
    assert f.composite is None and f.reasons == {"composite": "1—3月未报送日均值"}


def test_month_without_valid_days_is_weighted_by_its_calendar_days():
    a = archive(submission(NANJING, "2021-01", [report(NANJING, pm25="40", good_rate="80")]),
                month_sub("2021-02", "54", 15, 28))
    f = unit_figures(a, NANJING, period_for("2021-02", "cumulative"))
    assert f.pm25 == D(40 * 31 + 54 * 28) / D(59)
    assert f.good_rate is None
    assert f.reasons["good_rate"] == "1月只报送了优良天数比率，无法累计"


def test_cumulative_with_a_month_not_submitted_has_no_figure_and_says_which():
    subs = [month_sub(f"2021-{m:02d}", "30", 20, 30) for m in (1, 2, 3, 5)]
    other = submission(WUXI, "2021-04", [report(WUXI, pm25="30")])     # April received, but not from 南京
    a = archive(*subs, other)
    f = unit_figures(a, NANJING, period_for("2021-05", "cumulative"))
    assert (f.pm25, f.good_rate, f.composite) == (None, None, None)
    assert f.reasons == {k: "4月未报送" for k in ("pm25", "good_rate", "composite")}


def test_county_reason_names_its_city_and_a_month_nobody_submitted():
    a = archive(submission(NANJING, "2021-01", [report(XUANWU, pm25="30", good_days=20, valid_days=30)]),
                submission(WUXI, "2021-02", [report(WUXI, pm25="30")]))
    f = unit_figures(a, XUANWU, period_for("2021-02", "month"))
    assert f.reasons["pm25"] == "南京市未报送"
    f = unit_figures(a, XUANWU, period_for("2021-03", "cumulative"))
    assert f.pm25 is None
    assert f.reasons["pm25"] == "2月南京市未报送，3月无报送数据"


def test_empty_month_remark_single_and_over_a_period():
    a = archive(month_sub("2021-01", "30", 20, 30),
                submission(NANJING, "2021-02", [report(NANJING, remark="设备故障")]))
    single = unit_figures(a, NANJING, period_for("2021-02", "month"))
    assert single.pm25 is None and single.reasons["pm25"] == "无有效数据：设备故障"
    # the index has no value for the same reason, not because pollutants were left out
    assert single.composite is None and single.reasons["composite"] == "无有效数据：设备故障"
    cumulative = unit_figures(a, NANJING, period_for("2021-02", "cumulative"))
    assert cumulative.reasons["pm25"] == "2月无有效数据"              # the 备注 is left out
    assert cumulative.reasons["good_rate"] == "2月无有效数据"


def daily(unit, month_days, **pollutants):
    days = tuple(DayValues(d, values(**pollutants), d) for d in range(1, month_days + 1))
    return DailyUnitReport(unit, values(pm25=pollutants["pm25"], good_days=20, valid_days=month_days), "", 2,
                           days=days)


def test_period_index_from_daily_values_and_a_short_month():
    full = archive(submission(NANJING, "2021-01", [daily(NANJING, 31, pm25=35, **SIX)]),
                   submission(NANJING, "2021-02", [daily(NANJING, 28, pm25=70, **SIX)]))
    f = unit_figures(full, NANJING, period_for("2021-02", "cumulative"))
    # PM2.5 over the 59 days: (31·35 + 28·70) / 59; the other five at their standards
    assert f.composite == (D(31 * 35 + 28 * 70) / 59) / 35 + 5
    short = archive(submission(NANJING, "2021-01", [daily(NANJING, 31, pm25=35, **SIX)]),
                    submission(NANJING, "2021-02", [daily(NANJING, 24, pm25=70, **SIX)]))
    f = unit_figures(short, NANJING, period_for("2021-02", "cumulative"))
    assert f.composite is None
    assert f.reasons["composite"] == "2月PM2.5、PM10、SO2、NO2、CO、O3日均值不足25天"


def test_change_relative_and_in_points():
    assert change(D(30), D(40), relative=True) == D(-25)
    assert change(D("85.5"), D("80.0"), relative=False) == D("5.5")
    assert change(D(30), D(0), relative=True) is None
    assert change(None, D(40), relative=True) is None
    assert change(D(30), None, relative=False) is None


def test_mean_only_of_complete_values():
    assert mean([D(1), D(2), D(4)]) == D(7) / 3
    assert mean([D(1), None]) is None
    assert mean([]) is None


def test_period_for_each_kind():
    assert period_for("2021-05", "month") == Period("month", 2021, (5,))
    assert period_for("2021-05", "quarter") == Period("quarter", 2021, (4, 5, 6))
    assert period_for("2021-12", "quarter").months == (10, 11, 12)
    assert period_for("2021-05", "cumulative").months == (1, 2, 3, 4, 5)
    assert period_for("2021-05", "cumulative").keys == ["2021-01", "2021-02", "2021-03", "2021-04", "2021-05"]
    with pytest.raises(ValueError):
        period_for("2021-05", "year")


def test_year_before_keeps_the_reference_month():
    before = period_for("2021-05", "quarter").year_before()
    assert before == Period("quarter", 2020, (4, 5, 6), "2021-06")
    assert before.keys[0] == "2020-04" and before.reference == "2021-06"


def test_previous_months_across_a_year_boundary():
    assert previous_months("2021-02", 4) == ["2020-11", "2020-12", "2021-01", "2021-02"]
    assert previous_months("2021-12", 1) == ["2021-12"]
    assert previous_months("2021-01", 13)[0] == "2020-01"


# -- administrative changes (Units.changes) -------------------------------------------------------

def _changed_units(kind, comparison):
    import datetime as dt

    from unit_inputs import county

    from reportgen.model import UnitChange, Units

    old = county("高淳区", "南京市", 2.5, "320118")
    new = county("溧水区", "南京市", 2.6, "320117")
    change_ = UnitChange(dt.date(2021, 3, 1), kind, old, (new,), comparison)
    return old, new, Units([NANJING, old, new], changes=(change_,))


def test_a_renamed_unit_continues_its_old_series():
    old, new, units = _changed_units("renamed", "continue")
    a = archive(*(submission(NANJING, f"2021-{m:02d}",
                             [report(old if m < 3 else new, pm25=pm25, good_days=20, valid_days=28)])
                  for m, pm25 in ((1, "40"), (2, "50"), (3, "60"))))
    f = unit_figures(a, new, period_for("2021-03", "quarter"), units)
    assert f.pm25 == D(50) and f.incomparable is None


def test_a_period_across_a_merger_without_comparison_has_no_figure():
    old, new, units = _changed_units("merged", "none")
    a = archive(*(submission(NANJING, f"2021-{m:02d}", [report(new, pm25="30", good_days=20, valid_days=28)])
                  for m in (1, 2, 3)))
    f = unit_figures(a, new, period_for("2021-03", "cumulative"), units)
    why = "高淳区于2021年3月1日并入溧水区，1—3月跨越调整，无可比数据"
    assert f.incomparable == why and f.reasons == {k: why for k in ("pm25", "good_rate", "composite")}
    assert f.pm25 is None
    assert unit_figures(a, new, period_for("2021-03", "month"), units).pm25 == D(30)
    before = unit_figures(a, new, period_for("2021-03", "month").year_before(), units)
    assert before.incomparable == "高淳区于2021年3月1日并入溧水区，无可比的上年同期数据"
