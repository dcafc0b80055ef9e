"""报送回执: the office's receipt for one revision of one city's monthly submission, listing the values
as the archive read them (`reportgen receipt`). Picks the stored revision, reads it with the importer's
reader, and writes the receipt as a dated document."""

from __future__ import annotations

from pathlib import Path

from .load.submissions import current_revisions, read_submission, stored_revisions, submission_fields, submissions_dir
from .model import Plan
from .names import did_you_mean
from .problems import Problems


class ReceiptRefused(ValueError):
    """No receipt can be made as asked; the message says why, in Chinese."""


def write_receipt(plan: Plan, data_dir: Path, out_dir: Path, city_name: str, month: str, profile,
                  revision: int | None = None) -> list[Path]:
    """The receipt (PDF, DOCX) of `city_name`'s `month`, revision `revision` (default: the revision in
    force), into <out>/<year>/报送回执/. Raises ReceiptRefused for an unknown city, a month the city has
    not sent, an unknown revision, or a stored file that no longer reads without errors."""
    from .dated_documents import write_dated_document
    from .views.receipt_view import receipt_view

    if plan.bulletin is None:
        raise ReceiptRefused("数据目录中没有 bulletin.yaml（通报的设置，回执的署名取自其中），不能生成报送回执")
    city = plan.units.find_city(city_name)
    if city is None:
        names = [c.short_name for c in plan.units.cities]
        raise ReceiptRefused(f"“{city_name}”不是设区市{did_you_mean(city_name, names)}。可选：{'、'.join(names)}")
    label = f"{month[:4]}年{int(month[5:])}月"
    revisions = sorted((s for s in stored_revisions(data_dir, Problems()) if s.month == month and s.city == city.name),
                       key=lambda s: s.revision)
    if not revisions:
        raise ReceiptRefused(f"{city.name}没有报送{label}的数据，不能生成回执")
    current = current_revisions(revisions)[(month, city.name)]
    if revision is None:
        chosen = current
    else:
        chosen = next((s for s in revisions if s.revision == revision), None)
        if chosen is None:
            have = "、".join(f"第{s.revision}版" for s in revisions)
            raise ReceiptRefused(f"{city.name}{label}的数据没有第{revision}版（已有：{have}）")
    annex6 = plan.annex_for_role("projects")
    problems = Problems(data_dir)
    reports = read_submission(chosen.path, month, plan.units, annex6, problems, city=city)
    if reports is None:
        first = problems.errors[0].message if problems.errors else "读取失败"
        raise ReceiptRefused(f"{city.name}{label}第{chosen.revision}版的报送表现在读不出来（{first}），"
                             "请用 reportgen submissions 核对")
    sample = plan.sample or (submissions_dir(data_dir) / "SAMPLE.md").exists()
    view = receipt_view(plan, city, month, chosen.revision, chosen.received, current.revision, reports,
                        submission_fields(annex6), sample)
    return write_dated_document(f"{plan.year}/报送回执", f"{month} {city.name} 第{chosen.revision}版",
                                view.title, "receipt.html.j2", view, profile, out_dir, chosen.received.date())
