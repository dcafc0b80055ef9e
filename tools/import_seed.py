"""One-off importer: turn the published 2021 Jiangsu notice (plain text) into reportgen data files.

This is how data/jiangsu-2021/ was first produced from tests/fixtures/seed_jiangsu_2021_notice.txt.
The data folder, not this script, is the source of truth from then on: re-running it overwrites
hand edits. Annex schemas (annexes/annexN.yaml) are written by hand; this script only fills the CSVs
with the cells of each published table, positionally, and checks derived 合计 columns on the way.

    python tools/import_seed.py tests/fixtures/seed_jiangsu_2021_notice.txt data/jiangsu-2021
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reportgen.responsibility import parse_responsibility_note  # noqa: E402

L1 = re.compile(r"^([一二三四五六七八九十]+)、(.+)$")
L2 = re.compile(r"^（([一二三四五六七八九十]+)）(.+)$")
ITEM = re.compile(r"^(\d+)(\. ?|、|\.)(.+)$")
NOTE = re.compile(r"（([^（）]*(?:牵头|配合|负责)[^（）]*)）$")


def split_paragraph(text: str) -> dict:
    m = NOTE.search(text)
    if not m:
        return {"text": text}
    note = m.group(0)
    parsed = parse_responsibility_note(note)
    para = {"text": text[: m.start()], "responsibility": {"note": note, "lead": parsed.lead}}
    if parsed.support:
        para["responsibility"]["support"] = parsed.support
    return para


def parse_workplan(lines: list[str]) -> dict:
    plan = {"title": lines[0], "preamble": [], "sections": []}
    section = subsection = item = None
    for line in lines[1:]:
        if m := L1.match(line):
            section = {"number": m.group(1), "title": m.group(2), "subsections": []}
            plan["sections"].append(section)
            subsection = item = None
        elif m := L2.match(line):
            subsection = {"number": m.group(1), "title": m.group(2), "paragraphs": [], "items": []}
            section["subsections"].append(subsection)
            item = None
        elif (m := ITEM.match(line)) and subsection is not None:
            number, sep, rest = m.groups()
            item = {"number": int(number)}
            if sep != ". ":
                item["label"] = f"{number}{sep}"  # published label kept verbatim (e.g. "3、", "2.")
            head, dot, tail = rest.partition("。")
            if dot:
                item["title"] = head
                item["paragraphs"] = [split_paragraph(tail)]
            else:
                item["title"] = rest
                item["title_separate"] = True
                item["paragraphs"] = []
            subsection["items"].append(item)
        elif subsection is None:
            plan["preamble"].append(line)
        elif item is not None:
            item["paragraphs"].append(split_paragraph(line))
        else:
            subsection["paragraphs"].append(split_paragraph(line))
    for sec in plan["sections"]:
        for sub in sec["subsections"]:
            if not sub["paragraphs"]:
                del sub["paragraphs"]
            if not sub["items"]:
                del sub["items"]
    return plan


def parse_tables(lines: list[str]) -> dict[int, list[list[str]]]:
    """Annex number -> rows of cells, as laid out in the seed (tab-started cells, blank-line rows)."""
    tables: dict[int, list[list[str]]] = {}
    current = None
    row: list[str] = []
    row_closed = True
    for raw in lines:
        line = raw.rstrip("\n")
        stripped = line.strip()
        if m := re.fullmatch(r"附件(\d)", stripped):
            current = tables.setdefault(int(m.group(1)), [])
            row, row_closed = [], True
            continue
        if current is None:
            continue
        if line.startswith("\t"):
            if row_closed:
                row, row_closed = [], False
                current.append(row)
            row.append(line[1:].strip())
        elif stripped == "":
            row_closed = True
        elif row:
            row_closed = False
            row[-1] += "\n" + stripped  # a cell printed on several lines (blank lines inside too)
    return tables


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def main(seed: str, out: str) -> None:
    text = Path(seed).read_text(encoding="utf-8").splitlines()
    out_dir = Path(out)
    start = next(i for i, l in enumerate(text) if l.strip() == "江苏省2021年大气污染防治工作计划")
    end = next(i for i, l in enumerate(text) if l.strip() == "附件1")
    plan_lines = [l.strip() for l in text[start:end] if l.strip()]
    workplan = parse_workplan(plan_lines)
    with (out_dir / "workplan.yaml").open("w", encoding="utf-8") as f:
        f.write("# 江苏省2021年大气污染防治工作计划 — the work plan as a tree, text verbatim from the published notice.\n")
        f.write("# responsibility.note is the printed note; lead/support are its departments (see departments.yaml).\n")
        yaml.safe_dump(workplan, f, allow_unicode=True, sort_keys=False, width=10_000)

    tables = parse_tables(text[end:])
    ann = out_dir / "annexes"
    body = lambda n, skip: [r for r in tables[n][skip:] if not r[0].startswith("全")]  # noqa: E731
    write_csv(ann / "annex1.csv", ["unit", "pm25_target", "good_days_ratio_target"], body(1, 1))
    left, right = [], []
    for r in tables[2][1:]:
        left.append(r[:4])
        right.append(r[4:])
    write_csv(ann / "annex2.csv", ["city", "county", "pm25_target", "good_days_ratio_target"],
              left + right)
    write_csv(ann / "annex3.csv", ["unit", "vocs_reduction", "nox_reduction"], body(3, 1))
    write_csv(ann / "annex4.csv", ["city", "enterprise"], [r[1:] for r in tables[4][1:]])
    write_csv(ann / "annex5.csv", ["unit", "dustfall_target"], body(5, 1))
    for n, keys in ((6, ["rolling", "capacity_cut", "a_grade", "green_upgrade", "coal_control",
                         "energy_layout", "substitution", "substitution_demo", "vocs_treatment",
                         "tank_treatment", "other"]),
                    (7, ["boiler", "substitution_review", "tank_survey", "cluster_rectification",
                         "park_city", "park_county", "catering"])):
        rows = []
        for r in body(n, 2):
            values = r[1:-1]
            assert sum(int(v) for v in values) == int(r[-1]), (n, r)
            rows.append([r[0]] + values)
        write_csv(ann / f"annex{n}.csv", ["unit"] + keys, rows)
    a8 = ["roadside_checks", "household_checks", "winter_diesel_checks", "inspection_review_rate",
          "station_monitoring", "depot_monitoring", "station_data_valid_rate",
          "station_vapour_checks", "depot_vapour_checks", "machinery_checks"]
    rows8 = [r + [""] * (11 - len(r)) for r in tables[8][1:]]
    seen = {r[0] for r in rows8}
    for city in ("南京", "无锡", "徐州", "常州", "苏州", "南通", "连云港", "淮安", "盐城", "扬州",
                 "镇江", "泰州", "宿迁"):
        if city not in seen:
            rows8.append([city] + [""] * 10)  # cut off in the published text: missing, not zero
    write_csv(ann / "annex8.csv", ["unit"] + a8, rows8)


if __name__ == "__main__":
    main(*sys.argv[1:3])
