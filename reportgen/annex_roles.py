"""The roles an annex of the plan can play: what the program reads it for, declared in the plan data
(annexes/annexN.yaml `role:`), never inferred from the annex's number. A plan that numbers its annexes
differently names the same roles; a role no annex declares turns its feature off.

This is the one place the roles are defined; loaders validate against it (load/annexes.py, load/plan.py)
and the features look their annex up with Plan.annex_for_role.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AnnexRole:
    key: str                    # as written in annexN.yaml
    meaning: str                # for data authors and messages (Chinese)
    rows: str                   # the annex's `rows:` the role needs (cities | counties)
    columns: tuple[str, ...]    # column keys the role reads
    used_by: str                # what is off when no annex has the role (Chinese)


ANNEX_ROLES: dict[str, AnnexRole] = {r.key: r for r in (
    AnnexRole("city_targets", "各设区市空气质量改善目标表（PM2.5浓度、优良天数比率的年度目标；其全省行为全省目标）",
              "cities", ("pm25_target", "good_days_ratio_target"),
              "月度通报不对照设区市和全省年度目标"),
    AnnexRole("county_targets", "各县（市、区）空气质量目标表（PM2.5浓度、优良天数比率的年度目标）",
              "counties", ("pm25_target", "good_days_ratio_target"),
              "月度通报不对照县（市、区）年度目标"),
    AnnexRole("projects", "重点工程项目表（各设区市各类项目数；每类即报送表中的一个“已完成”进度列）",
              "cities", (),
              "报送表没有项目进度列，月度通报没有“重点工程项目进展”一节"),
)}

# the roles a monthly bulletin reads: only gaps in their annexes concern a bulletin
BULLETIN_ROLES = ("city_targets", "county_targets", "projects")


def known_roles_text() -> str:
    """The known roles, listed for an error message."""
    return "；".join(f"{r.key}（{r.meaning}）" for r in ANNEX_ROLES.values())
