"""View model of the 催报通知: a short notice to a city that has not sent a month's figures by the day
they were due. Every name and date comes from the data: the city from units.csv, the issuer and the
recipients' wording from bulletin.yaml, the due date from the data set's due day, the lack of a
submission from the archive."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..model import Plan, Unit
from .common import Signing, chinese_date, recipient, signing_block


@dataclass(frozen=True)
class ReminderView:
    title: str           # “关于催报2021年5月空气质量数据的通知”: also the document's title in its files
    recipient: str
    period: str          # the month as printed: “2021年5月”
    as_of: str           # the reminder's date, as printed
    due: str             # the day the figures were due, as printed
    signing: Signing
    sample: bool
    sample_submissions: bool   # only the submissions are sample data (the plan data is real)


def reminder_view(plan: Plan, city: Unit, month: str, due: dt.date, date: dt.date, sample: bool,
                  sample_submissions: bool = False) -> ReminderView:
    year, mon = int(month[:4]), int(month[5:])
    period = f"{year}年{mon}月"
    return ReminderView(
        title=f"关于催报{period}空气质量数据的通知",
        recipient=recipient(plan, city),
        period=period,
        as_of=chinese_date(date),
        due=chinese_date(due),
        signing=signing_block(plan.bulletin.issuer, date, False),
        sample=sample,
        sample_submissions=sample and sample_submissions and not plan.sample,
    )
