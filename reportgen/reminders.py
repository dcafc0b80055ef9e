"""催报通知: when a month's figures are due (the data set's due day of the following month) and which
cities have not sent them; one notice per such city (`reportgen remind`, the web's month page)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .load.submissions import stored_revisions, submissions_dir
from .model import Plan, Unit
from .problems import Problems


class ReminderRefused(ValueError):
    """No reminder can be made as asked; the message says why, in Chinese."""


def due_date(month: str, due_day: int) -> dt.date:
    """The day `month`'s figures are due: `due_day` (bulletin.yaml's submission_due_day) of the following
    month. The one rule used by the reminders and the web's dashboards."""
    year, mon = int(month[:4]), int(month[5:])
    return dt.date(year + mon // 12, mon % 12 + 1, due_day)


def missing_cities(plan: Plan, data_dir: Path, month: str) -> list[Unit]:
    """The cities of `month` (as the units stood then) of which no revision of `month` is stored."""
    sent = {s.city for s in stored_revisions(data_dir, Problems()) if s.month == month}
    return [c for c in plan.units.as_of(month).cities if c.name not in sent]


def write_reminders(plan: Plan, data_dir: Path, out_dir: Path, month: str, date: dt.date, profile,
                    today: dt.date | None = None) -> list[Path]:
    """A 催报通知 (PDF, DOCX) dated `date` for every city that has not sent `month`, into
    <out>/<year>/催报通知/. Raises ReminderRefused when nothing is due yet or everything has arrived."""
    from .dated_documents import write_dated_document
    from .views.reminder_view import reminder_view

    if plan.bulletin is None:
        raise ReminderRefused("数据目录中没有 bulletin.yaml（通报的设置），不能生成催报通知")
    due = due_date(month, plan.bulletin.submission_due_day)
    label = f"{month[:4]}年{int(month[5:])}月"
    if date <= due:
        raise ReminderRefused(f"{label}的数据应于{due:%Y-%m-%d}前报送，{date:%Y-%m-%d}还未逾期，不需要催报")
    if date > (today or dt.date.today()):
        raise ReminderRefused(f"日期{date:%Y-%m-%d}晚于今天；催报通知的日期不能是将来的日期")
    late = missing_cities(plan, data_dir, month)
    if not late:
        raise ReminderRefused(f"各设区市都已报送{label}的数据，不需要催报")
    # the lack of a submission is a fact of the submissions: sample submissions make a sample reminder
    sample_submissions = (submissions_dir(data_dir) / "SAMPLE.md").exists()
    written: list[Path] = []
    for city in late:
        view = reminder_view(plan, city, month, due, date, plan.sample or sample_submissions, sample_submissions)
        written += write_dated_document(f"{plan.year}/催报通知", f"{month} {city.name}-{date:%Y%m%d}", view.title,
                                        "reminder.html.j2", view, profile, out_dir, date)
    return written
