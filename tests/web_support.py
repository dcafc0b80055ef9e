"""Shared by the web tests: a small temporary project (a copy of data/jiangsu-2021 with few
submissions), accounts made through the CLI, logging in, and filling the blank form with openpyxl."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from reportgen.cli import main

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "jiangsu-2021"
MONTH = "2021-05"
PASSWORDS = {"nanjing": "nanjing-pass-123", "suzhou": "suzhou-pass-123", "office": "office-pass-123"}


def make_project(folder: Path, keep_months=("2021-04",)) -> Path:
    """A project in `folder` whose data set keeps only the submissions of `keep_months`; its fonts are
    the checkout's."""
    data = folder / "data" / "jiangsu-2021"
    shutil.copytree(DATA, data, ignore=lambda d, names: [n for n in names if Path(d).name == "submissions"
                                                           and re.fullmatch(r"\d{4}-\d{2}", n) and n not in keep_months])
    (folder / "reportgen.yaml").write_text(
        "datasets:\n  jiangsu-2021: data/jiangsu-2021\ndefault: jiangsu-2021\noutput: output\n"
        f"profile: gbt9704\nfonts: [{ROOT / 'fonts'}]\n", encoding="utf-8")
    return folder


def add_user(project: Path, name: str, role: str, city: str | None = None, password: str | None = None) -> None:
    """`reportgen users add` through the CLI function, password on stdin."""
    args = ["--project", str(project), "users", "add", name, "--role", role, "--password-stdin"]
    if city:
        args += ["--city", city]
    result = CliRunner().invoke(main, args, input=(password or PASSWORDS[name]) + "\n")
    assert result.exit_code == 0, result.output
    assert f"已建立账号 {name}" in result.output


def add_standard_users(project: Path) -> None:
    add_user(project, "nanjing", "city", "南京市")
    add_user(project, "suzhou", "city", "苏州市")
    add_user(project, "office", "office")


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def login(client, name: str, password: str | None = None):
    page = client.get("/login")
    return client.post("/login", data={"name": name, "password": password or PASSWORDS[name], "csrf": csrf_of(page.text)},
                       follow_redirects=False)


def fill_form(blank: bytes, pm25: str = "35.2", remark: str | None = None, bad_city_pm25: str | None = None) -> bytes:
    """The downloaded blank form filled in as a 填报员 would: PM2.5, 优良天数, 有效监测天数 for every unit.
    `bad_city_pm25`: text typed into the city's PM2.5 cell instead (to make an error)."""
    wb = load_workbook(io.BytesIO(blank))
    ws = wb["报送数据"]
    header = {str(c.value): c.column for c in ws[3] if c.value}
    col = {key: next(n for h, n in header.items() if h.startswith(prefix))
           for key, prefix in (("pm25", "PM2.5浓度"), ("good", "优良天数（"), ("valid", "有效监测天数"), ("remark", "备注"))}
    for row in range(4, ws.max_row + 1):
        if not ws.cell(row, 1).value:
            continue
        ws.cell(row, col["pm25"]).value = float(pm25)
        ws.cell(row, col["good"]).value = 25
        ws.cell(row, col["valid"]).value = 31
    if bad_city_pm25 is not None:
        ws.cell(4, col["pm25"]).value = bad_city_pm25
    if remark is not None:
        ws.cell(4, col["remark"]).value = remark
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def stored_files(project: Path, month: str = MONTH) -> list[Path]:
    root = project / "data" / "jiangsu-2021" / "submissions" / month
    return sorted(p for p in root.rglob("r*_*") if p.is_file()) if root.is_dir() else []
