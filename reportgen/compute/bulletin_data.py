"""Every unit's figures and rankings for the periods a bulletin (or a revision report) needs, computed
once per unit and period."""

from __future__ import annotations

from ..model import Plan, SubmissionArchive, Unit
from .air_quality import INDICATORS, Figures, Period, indicator_value, unit_figures
from .ranking import Entry, Precision, Ranking, rank

# the indicators as bulletins name them (views/bulletin_view.py words the rest)
INDICATOR_NAMES = {
    "pm25": "PM2.5浓度", "pm25_change": "PM2.5浓度改善幅度",
    "good_rate": "优良天数比率", "good_rate_change": "优良天数比率改善幅度",
    "composite": "环境空气质量综合指数", "composite_change": "环境空气质量综合指数改善幅度",
}
# the rankings of 设区市 a bulletin prints, (indicator, period kind); the county rankings are bulletin.yaml's
CITY_RANKINGS = (("pm25", "cumulative"), ("good_rate", "cumulative"))


def precision(settings, indicator: str) -> Precision:
    """The indicator's printing and ranking precision from bulletin.yaml (ranking.by_indicator), else
    the file's default (ranking.decimals, ranking.rounding)."""
    own = dict(getattr(settings, "precision", ()) or ())
    return own.get(indicator) or Precision(settings.decimals, settings.rounding)


class BulletinData:
    """Figures of every unit for the periods the bulletin needs, computed once."""

    def __init__(self, plan: Plan, archive: SubmissionArchive):
        self.plan, self.archive = plan, archive
        self._cache: dict[tuple[str, Period], Figures] = {}

    def figures(self, unit: Unit, period: Period) -> Figures:
        key = (unit.name, period)
        if key not in self._cache:
            self._cache[key] = unit_figures(self.archive, unit, period, self.plan.units)
        return self._cache[key]

    def entries(self, units: list[Unit], indicator: str, period: Period) -> list[Entry]:
        ind = INDICATORS[indicator]
        out = []
        for u in units:
            value, reason = indicator_value(ind, self.figures(u, period),
                                            self.figures(u, period.year_before()) if ind.change else None)
            out.append(Entry(u, value, reason))
        return out

    def ranking(self, units: list[Unit], indicator: str, period: Period) -> Ranking:
        s = self.plan.bulletin
        p = precision(s, indicator)
        return rank(self.entries(units, indicator, period), INDICATORS[indicator].better, p.decimals, p.rounding,
                    s.missing)
