"""Ranking of units on one indicator: pure functions, no I/O, no wording.

Rules (../shared/docs/bulletin.md §2): values are ranked after rounding to the number of decimals the
bulletin prints for the indicator (Precision: 1 for PM2.5 and rates, "按保留1位小数排名"; 2 for
综合指数, whose published values 3.63 / 3.68 / 3.71 are distinct ranks), so that two units tie exactly
when their printed values are equal; competition ranking (1, 2, 3, 3, 3, 3, 7, …); members of a tie are
kept in the units' fixed order (行政区划代码); a 前N list holds every unit whose rank is ≤ N, a 后N list
every unit whose rank counted from the worst end is ≤ N, worst first.

Units without a valid value are either left out and listed as not ranked (treatment "exclude", the
default) or ranked together after the worst valued unit (treatment "worst", as "因数据质量问题无法参与
排名的，一律以最差处理").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from ..model import Unit

ROUNDING = {"half_even": ROUND_HALF_EVEN, "half_up": ROUND_HALF_UP}


@dataclass(frozen=True)
class Precision:
    """How an indicator's values are rounded, for printing and for ranking alike."""

    decimals: int = 1
    rounding: str = "half_even"      # "half_even" (GB/T 8170) | "half_up"


@dataclass(frozen=True)
class Entry:
    """One unit's value for the period, or None with the reason it has none."""

    unit: Unit
    value: Decimal | None
    reason: str | None = None


@dataclass(frozen=True)
class Placed:
    unit: Unit
    value: Decimal | None      # as ranked (rounded); None: no valid value, placed last ("worst")
    rank: int                  # 1 = best
    rank_from_worst: int       # 1 = worst
    reason: str | None = None


@dataclass(frozen=True)
class Ranking:
    placed: tuple[Placed, ...]                  # best first; ties in fixed order
    not_ranked: tuple[Entry, ...]               # fixed order

    def groups(self) -> list[list[Placed]]:
        """Tie groups, best first."""
        out: list[list[Placed]] = []
        for p in self.placed:
            if out and out[-1][0].rank == p.rank:
                out[-1].append(p)
            else:
                out.append([p])
        return out

    def top(self, n: int) -> list[list[Placed]]:
        """前N: every tie group whose rank is ≤ n, best first."""
        return [g for g in self.groups() if g[0].rank <= n]

    def bottom(self, n: int) -> list[list[Placed]]:
        """后N (倒1—N名): every tie group whose rank from the worst end is ≤ n, worst first."""
        return [g for g in reversed(self.groups()) if g[0].rank_from_worst <= n]

    def rank_of(self, unit: Unit) -> Placed | None:
        return next((p for p in self.placed if p.unit.name == unit.name), None)


def rounded(value: Decimal, decimals: int = 1, rounding: str = "half_even") -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUNDING[rounding])


def rank(entries: Sequence[Entry], better: str, decimals: int = 1, rounding: str = "half_even",
         missing: str = "exclude") -> Ranking:
    """Rank `entries`. better: "lower" (逆指标, e.g. PM2.5) or "higher" (正指标, e.g. 优良天数比率).
    missing: "exclude" (not ranked, listed) or "worst" (ranked together after the worst)."""
    if better not in ("lower", "higher"):
        raise ValueError(f"better must be 'lower' or 'higher', not {better!r}")
    if missing not in ("exclude", "worst"):
        raise ValueError(f"missing must be 'exclude' or 'worst', not {missing!r}")
    valued = [(rounded(e.value, decimals, rounding), e) for e in entries if e.value is not None]
    empty = sorted((e for e in entries if e.value is None), key=lambda e: e.unit.order)
    sign = 1 if better == "lower" else -1
    valued.sort(key=lambda ve: (sign * ve[0], ve[1].unit.order))
    keys: list[tuple] = [(0, sign * v) for v, _ in valued]
    rows: list[tuple[Decimal | None, Entry]] = list(valued)
    if missing == "worst":
        keys += [(1, 0)] * len(empty)
        rows += [(None, e) for e in empty]
        empty = []
    # keys are sorted: a unit's rank is 1 + the units strictly better (the first index of its key),
    # its rank from the worst end 1 + the units strictly worse
    first: dict[tuple, int] = {}
    last: dict[tuple, int] = {}
    for i, k in enumerate(keys):
        first.setdefault(k, i)
        last[k] = i
    n = len(rows)
    placed = [Placed(entry.unit, value, first[keys[i]] + 1, n - last[keys[i]], entry.reason)
              for i, (value, entry) in enumerate(rows)]
    return Ranking(tuple(placed), tuple(empty))


def consecutive_bottom(rankings: Sequence[Ranking], n: int) -> list[Unit]:
    """Units in the 后n of every one of `rankings` (e.g. the last 3 months), in fixed order."""
    if not rankings:
        return []
    sets = [{p.unit.name for g in r.bottom(n) for p in g} for r in rankings]
    common = set.intersection(*sets)
    units = {p.unit.name: p.unit for p in rankings[-1].placed}
    return sorted((units[name] for name in common), key=lambda u: u.order)
