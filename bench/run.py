"""Benchmark of `reportgen build` (a script, not a test): prints figures, writes bench/last-run.json.

Measures, on a temporary copy of the data set:
1. a full build from clean (--force, empty output folder): wall time, documents and files written,
   PDF pages, documents and pages per second;
2. peak memory of that build's whole process tree, sampled every 0.2 s: PSS summed over the tree
   (counts the copy-on-write pages the forked workers share with the parent fairly), RSS summed,
   and the largest single-process RSS;
3. a rebuild after changing one value of one city (镇江's 附件5 降尘 target), then a no-change
   rebuild, which must write nothing (no file's mtime may change);
4. LibreOffice converting the same DOCX files to PDF in one batch, with the font mapping
   `reportgen check` uses (what a DOCX-first pipeline would cost).
Targets: full build >= 3x faster than (4); one-city rebuild <= 10 % of (1); peak memory <= 1 GB.

Exit code 0 whatever the figures are; non-zero only when a command fails.

Usage: .venv/bin/python bench/run.py [--data data/jiangsu-2021] [--keep] [--scale N] [--no-libreoffice]
       [--no-submissions]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUFFIXES = (".pdf", ".docx", ".xlsx", ".html")
SAMPLE_INTERVAL = 0.2
CITY = "镇江"

TARGET_LO_CPU_RATIO = 1.0      # issue 18: LibreOffice's CPU / full build CPU must be >= this (our CPU <= LO's)
AIM_LO_RATIO = 3.0             # the longer aim: LibreOffice's wall time / full build wall time >= this
TARGET_REBUILD_SHARE = 0.10    # one-city rebuild time / full build time must be <= this
TARGET_PEAK_MB = 600           # issue 18: peak PSS of the build's process tree


class BenchError(RuntimeError):
    """A command the benchmark runs failed: the figures would be meaningless."""


# ---------------------------------------------------------------------------------------------
# Process tree memory

def _ppids() -> dict[int, int]:
    """pid -> ppid for every process visible in /proc."""
    result = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # the command name (field 2) is in parentheses and may itself contain spaces or ')'
        fields = stat[stat.rfind(b")") + 2:].split()
        result[int(name)] = int(fields[1])
    return result


def process_tree(root: int) -> list[int]:
    """`root` and all its descendants (found by scanning /proc/*/stat for ppid)."""
    children: dict[int, list[int]] = {}
    for pid, ppid in _ppids().items():
        children.setdefault(ppid, []).append(pid)
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def rollup(pid: int) -> tuple[int, int] | None:
    """(PSS, RSS) in kB from /proc/<pid>/smaps_rollup, None when the process is gone."""
    pss = rss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
                elif line.startswith("Rss:"):
                    rss = int(line.split()[1])
    except OSError:
        return None
    return pss, rss


def system_busy_seconds() -> float:
    """CPU time all processors have spent busy since boot (from /proc/stat), in seconds."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """CPU time of this process and of its waited-for descendants."""
    return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                  resource.getrusage(resource.RUSAGE_CHILDREN)))


def run_measured(cmd: list[str], env: dict | None = None, what: str = "") -> dict:
    """Run `cmd`, sampling the memory of its whole process tree every 0.2 s; raise BenchError on failure.
    Also measures the CPU time the command used and the CPU time other processes on the machine used
    meanwhile (a busy machine makes the wall times meaningless)."""
    peak = {"pss_kb": 0, "rss_sum_kb": 0, "rss_max_kb": 0, "processes_max": 0, "samples": 0}
    stop = threading.Event()
    busy0, own0 = system_busy_seconds(), own_cpu_seconds()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            stdin=subprocess.DEVNULL)

    def sample():
        while not stop.is_set():
            values = [v for v in (rollup(p) for p in process_tree(proc.pid)) if v is not None]
            if values:
                peak["samples"] += 1
                peak["pss_kb"] = max(peak["pss_kb"], sum(v[0] for v in values))
                peak["rss_sum_kb"] = max(peak["rss_sum_kb"], sum(v[1] for v in values))
                peak["rss_max_kb"] = max([peak["rss_max_kb"]] + [v[1] for v in values])
                peak["processes_max"] = max(peak["processes_max"], len(values))
            stop.wait(SAMPLE_INTERVAL)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - start
    stop.set()
    sampler.join()
    cpu = own_cpu_seconds() - own0
    other = max(0.0, system_busy_seconds() - busy0 - cpu)
    if proc.returncode != 0:
        raise BenchError(f"{what or 'command'} failed (exit code {proc.returncode}): {' '.join(cmd)}\n"
                         f"{(stderr or '')[-3000:]}{(stdout or '')[-2000:]}")
    return {"seconds": seconds, "stdout": stdout, "stderr": stderr, "cpu_seconds": cpu,
            "other_cpu_seconds": other, "other_load": other / seconds, **peak}


def load_note(run: dict) -> dict:
    """What the command used and what else ran meanwhile, for the JSON."""
    return {"cpu_seconds": round(run["cpu_seconds"], 1), "other_processes_cpu_seconds": round(run["other_cpu_seconds"], 1),
            "other_processes_load": round(run["other_load"], 2)}


# ---------------------------------------------------------------------------------------------
# Output folder

def outputs(out: Path) -> dict[str, list[Path]]:
    """Files written under `out` by suffix (.pdf/.docx/.xlsx/.html), hidden files and folders excluded."""
    files: dict[str, list[Path]] = {s: [] for s in SUFFIXES}
    for p in out.rglob("*"):
        if p.is_file() and p.suffix in SUFFIXES and not any(part.startswith(".") for part in p.relative_to(out).parts):
            files[p.suffix].append(p)
    return files


def pdf_pages(paths: list[Path]) -> int:
    from pypdf import PdfReader
    return sum(len(PdfReader(str(p)).pages) for p in paths)


def mtimes(out: Path) -> dict[str, int]:
    """mtime of every file under `out`, hidden ones (the manifest) included."""
    return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}


def changed_files(before: dict[str, int], after: dict[str, int], hidden: bool = False) -> list[str]:
    names = sorted(k for k, v in after.items() if before.get(k) != v) + sorted(f"(removed) {k}" for k in before
                                                                              if k not in after)
    return names if hidden else [n for n in names if not any(p.startswith(".") for p in Path(n).parts)]


def generated_lines(stdout: str) -> list[str]:
    """The build's own account of what it wrote: its "已生成 …" lines and its summary line."""
    return [line.strip() for line in stdout.splitlines() if line.startswith(("已生成", "完成", "全部"))]


# ---------------------------------------------------------------------------------------------
# The one-value change

def change_city_value(annex5: Path, city: str = CITY, delta: float = -0.1) -> dict:
    """Change the one numeric cell of `city`'s row in annex5.csv by `delta`, keeping the number of
    decimals and everything else in the file byte for byte."""
    raw = annex5.read_bytes()
    text = raw.decode("utf-8-sig")
    bom = raw.startswith(b"\xef\xbb\xbf")
    lines = text.splitlines(keepends=True)
    header = next(csv.reader([lines[0]]))
    for i, line in enumerate(lines[1:], start=1):  # noqa: B007 - i is the row found, used after the loop
        row = next(csv.reader([line]))
        if row and row[0].strip() in (city, city + "市"):
            break
    else:
        raise BenchError(f"{annex5}: no row for {city} (header {header})")
    for col in range(1, len(row)):
        if re.fullmatch(r"-?\d+(\.\d+)?", row[col].strip()):
            break
    else:
        raise BenchError(f"{annex5}: {city}'s row has no numeric cell: {row}")
    old = row[col].strip()
    decimals = len(old.split(".")[1]) if "." in old else 0
    new = f"{float(old) + (delta if decimals else (1 if delta > 0 else -1)):.{decimals}f}"
    row[col] = new
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(row)
    ending = line[len(line.rstrip("\r\n")):]
    lines[i] = buf.getvalue() + ending
    annex5.write_bytes((b"\xef\xbb\xbf" if bom else b"") + "".join(lines).encode("utf-8"))
    return {"file": "annexes/annex5.csv", "unit": row[0], "column": header[col], "old": old, "new": new}


# ---------------------------------------------------------------------------------------------
# More counties

NUMERALS = "二三四五六七八九十"


def scale_counties(data: Path, scale: int) -> int:
    """Give every city `scale` times its counties: each county of units.csv gets scale - 1 copies (code
    9k + the original's last four digits, name with a numeral: 江宁区 → 江宁二区, 江宁三区 …) with the
    original's rows in the annexes keyed by county (annex2.csv). Returns the number of counties."""
    if not 1 <= scale <= len(NUMERALS) + 1:
        raise BenchError(f"--scale must be 1 to {len(NUMERALS) + 1}")
    units_csv = data / "units.csv"
    with units_csv.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    counties = [r for r in rows if r["level"] == "county"]
    copies: dict[str, list[str]] = {}   # original short name → short names of its copies
    for k in range(1, scale):
        numeral = NUMERALS[k - 1]
        for r in counties:
            short = r["short_name"]
            if r["name"].startswith(short) and r["name"] != short:
                new_short, new_name = short + numeral, short + numeral + r["name"][len(short):]
            else:
                new_short = new_name = r["name"] + numeral
            rows.append(dict(r, code=f"9{k}{r['code'][2:]}", name=new_name, short_name=new_short))
            copies.setdefault(short, []).append(new_short)
    with units_csv.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    annex2 = data / "annexes" / "annex2.csv"
    if annex2.is_file():
        with annex2.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            fields, rows = reader.fieldnames, list(reader)
        extra = [dict(r, county=c) for r in rows for c in copies.get(r["county"], [])]
        with annex2.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows + extra)
    return len(counties) * scale


# ---------------------------------------------------------------------------------------------
# LibreOffice

def libreoffice_batch(docx: list[Path], work: Path) -> dict:
    """One soffice invocation converting every DOCX, with the project's font mapping (the environment
    `reportgen check` gives LibreOffice); a warm-up conversion of one file first, with the same fresh
    user profile, so that creating the profile is not timed."""
    from reportgen.fontconfig import libreoffice_environment
    from reportgen.profile import Profile
    from reportgen.project import load_project

    load_project(ROOT / "reportgen.yaml").activate()   # the checkout's fonts folder, as the build used

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise BenchError("LibreOffice (soffice) not found")
    if not docx:
        raise BenchError("the full build wrote no DOCX to convert")
    flat, pdfdir, warmdir = work / "lo-docx", work / "lo-pdf", work / "lo-warm"
    for d in (flat, pdfdir, warmdir):
        d.mkdir()
    names = []
    for i, p in enumerate(sorted(docx)):
        name = f"{i:03d}-{p.name}"   # flat folder: numbered so names are unique
        shutil.copy2(p, flat / name)
        names.append(name)
    env = libreoffice_environment(Profile.load(), work / "lo-fontconfig")
    user = f"-env:UserInstallation={(work / 'lo-user').resolve().as_uri()}"
    base = [soffice, user, "--headless", "--norestore", "--convert-to", "pdf"]

    t = time.perf_counter()
    warm = subprocess.run(base + ["--outdir", str(warmdir), str(flat / names[0])], capture_output=True, text=True,
                          env=env, timeout=600, stdin=subprocess.DEVNULL)
    warm_seconds = time.perf_counter() - t
    if warm.returncode != 0 or not (warmdir / (Path(names[0]).stem + ".pdf")).is_file():
        raise BenchError(f"LibreOffice warm-up conversion failed ({warm.returncode}): {warm.stderr[-2000:]}")

    run = run_measured(base + ["--outdir", str(pdfdir)] + [str(flat / n) for n in names], env=env,
                       what="LibreOffice batch conversion")
    missing = [n for n in names if not (pdfdir / (Path(n).stem + ".pdf")).is_file()]
    if missing:
        raise BenchError(f"LibreOffice did not convert {len(missing)} of {len(names)} files, e.g. {missing[:3]}")
    return {"seconds": run["seconds"], "files": len(names), "converted": len(names) - len(missing),
            "pdf_pages": pdf_pages(sorted(pdfdir.glob("*.pdf"))), "warm_up": True,
            "warm_up_seconds": warm_seconds, "font_mapping": "reportgen.fontconfig.libreoffice_environment",
            "peak_pss_mb": round(run["pss_kb"] / 1024), **load_note(run)}


# ---------------------------------------------------------------------------------------------
# Machine

def _command_output(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


def machine() -> dict:
    import weasyprint

    from reportgen.writers.pdf import harfbuzz_subset_available

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "?")
    mem = next((int(line.split()[1]) // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal:")), None)
    return {"nproc": _command_output(["nproc"]), "cpu": cpu, "memory_mb": mem,
            "python": platform.python_version(), "weasyprint": weasyprint.__version__,
            "libreoffice": _command_output(["soffice", "--version"]),
            "harfbuzz_subset": harfbuzz_subset_available(),
            "commit": _command_output(["git", "-C", str(ROOT), "describe", "--always", "--dirty"])}


# ---------------------------------------------------------------------------------------------
# Report

def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _pad(s: str, width: int) -> str:
    return s + " " * max(0, width - _width(s))


def print_table(rows: list[tuple[str, str, str, str]]) -> None:
    widths = [max(_width(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        print("  ".join(_pad(c, w) for c, w in zip(r, widths)).rstrip())


def reportgen_command() -> list[str]:
    cli = Path(sys.executable).parent / "reportgen"
    return [str(cli)] if cli.is_file() else [sys.executable, "-m", "reportgen"]


BUSY_LOAD = 0.2   # other processes using more than this many cores on average: the timing is suspect


def _load(run: dict) -> str:
    return (f"; CPU {run['cpu_seconds']:.1f} s; other processes {run['other_cpu_seconds']:.1f} CPU s"
            + ("  ← 机器另有负载 machine busy, timing suspect" if run["other_load"] > BUSY_LOAD else ""))


def bench(data_src: Path, work: Path, scale: int = 1, libreoffice: bool = True,
          with_submissions: bool = True) -> dict:
    data, out = work / "data", work / "out"
    shutil.copytree(data_src, data)
    counties = scale_counties(data, scale) if scale > 1 else None
    submissions = data / "submissions"
    if (scale > 1 or not with_submissions) and submissions.is_dir():
        # a submission lists every county of its city, so the scaled units would make every one of them
        # wrong: the scaled copy has none (no bulletins); compare it with --scale 1 --no-submissions
        shutil.rmtree(submissions)
    build = reportgen_command() + ["build", "--allow-incomplete", "--data", str(data), "--out", str(out)]
    results: dict = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "data": str(data_src),
        "command": " ".join(reportgen_command() + ["build", "--allow-incomplete", "--force", "--data", "COPY",
                                                   "--out", "OUT"]),
        "submissions_present": submissions.is_dir(),
        "submission_files": sum(1 for p in submissions.rglob("*") if p.is_file()) if submissions.is_dir() else 0,
        "scale": scale, "counties": counties,
    }
    if scale > 1:
        print(f"--scale {scale}: {counties} counties in the data copy", flush=True)

    print(f"1/4 全量生成 full build from clean …  (submissions/: "
          f"{'present, ' + str(results['submission_files']) + ' files' if results['submissions_present'] else 'absent, no bulletins'})",
          flush=True)
    full = run_measured(build + ["--force"], what="full build")
    files = outputs(out)
    n_pages = pdf_pages(files[".pdf"])
    n_files = sum(len(v) for v in files.values())
    documents = len({p.with_suffix("") for v in files.values() for p in v})
    results["full_build"] = {
        "seconds": round(full["seconds"], 2), "files": n_files, "by_type": {k: len(v) for k, v in files.items()},
        "documents": documents, "pdf_pages": n_pages,
        "documents_per_second": round(documents / full["seconds"], 2),
        "files_per_second": round(n_files / full["seconds"], 2),
        "pages_per_second": round(n_pages / full["seconds"], 1),
        "peak_pss_mb": round(full["pss_kb"] / 1024), "peak_rss_sum_mb": round(full["rss_sum_kb"] / 1024),
        "peak_rss_one_process_mb": round(full["rss_max_kb"] / 1024),
        "processes_max": full["processes_max"], "memory_samples": full["samples"],
        "build_says": generated_lines(full["stdout"])[-1:], **load_note(full)}
    print(f"    {full['seconds']:.1f} s, {documents} documents, {n_files} files, {n_pages} pages{_load(full)}", flush=True)

    print(f"2/4 改一个市的一个数值后重新生成 one-city rebuild ({CITY} 附件5) …", flush=True)
    change = change_city_value(data / "annexes" / "annex5.csv")
    before = mtimes(out)
    one = run_measured(build, what="one-city rebuild")
    rebuilt = changed_files(before, mtimes(out))
    notice = [n for n in rebuilt if n.split("/")[-2:-1] == ["通知"]]
    city = [n for n in rebuilt if Path(n).stem.startswith(CITY)]
    results["one_city_rebuild"] = {
        "change": change, "seconds": round(one["seconds"], 2),
        "share_of_full_build": round(one["seconds"] / full["seconds"], 3),
        "rebuilt": rebuilt, "unexpected": [n for n in rebuilt if n not in notice and n not in city],
        "build_says": generated_lines(one["stdout"]), **load_note(one)}
    print(f"    {one['seconds']:.1f} s, {len(rebuilt)} files{_load(one)}", flush=True)

    print("3/4 无变化重新生成 no-change rebuild …", flush=True)
    before = mtimes(out)
    same = run_measured(build, what="no-change rebuild")
    touched = changed_files(before, mtimes(out), hidden=True)
    results["no_change_rebuild"] = {"seconds": round(same["seconds"], 2), "files_touched": touched,
                                    "build_says": generated_lines(same["stdout"]), **load_note(same)}
    print(f"    {same['seconds']:.1f} s, {len(touched)} files touched{_load(same)}", flush=True)

    if not libreoffice:
        print("4/4 LibreOffice batch conversion skipped (--no-libreoffice)", flush=True)
        return results
    print(f"4/4 LibreOffice 一次转换全部 {len(files['.docx'])} 个 DOCX batch conversion …", flush=True)
    lo = libreoffice_batch(files[".docx"], work)
    lo["ratio_to_full_build"] = round(lo["seconds"] / full["seconds"], 2)
    lo["cpu_ratio_to_full_build"] = round(lo["cpu_seconds"] / full["cpu_seconds"], 2)
    results["libreoffice_batch"] = {k: round(v, 2) if isinstance(v, float) else v for k, v in lo.items()}
    print(f"    {lo['seconds']:.1f} s; CPU {lo['cpu_seconds']:.1f} s; other processes {lo['other_processes_cpu_seconds']:.1f} "
          f"CPU s", flush=True)
    return results


def summary(results: dict) -> list[tuple[str, str, str, str]]:
    f, o, n = (results[k] for k in ("full_build", "one_city_rebuild", "no_change_rebuild"))
    lo = results.get("libreoffice_batch")
    by_type = ", ".join(f"{k[1:]} {v}" for k, v in f["by_type"].items())
    rows = [
        ("项目 item", "实测 measured", "目标 target", "结果"),
        ("全量生成 full build", f"{f['seconds']:.1f} s (CPU {f['cpu_seconds']:.1f} s): {f['documents']} documents, "
                               f"{f['files']} files ({by_type}), {f['pdf_pages']} PDF pages", "", ""),
        ("  文档/秒 documents per second", f"{f['documents_per_second']} (files/s {f['files_per_second']})", "", ""),
        ("  页/秒 PDF pages per second", f"{f['pages_per_second']}", "", ""),
    ]
    if lo:
        rows += [
            ("LibreOffice 批量转换 DOCX→PDF", f"{lo['seconds']:.1f} s (CPU {lo['cpu_seconds']:.1f} s) for {lo['files']} "
                                             f"DOCX (warm-up {'done' if lo['warm_up'] else 'not done'}, not timed)", "", ""),
            ("  LO CPU / 全量生成 CPU ratio", f"{lo['cpu_ratio_to_full_build']:.2f}×",
             f"≥ {TARGET_LO_CPU_RATIO:g}×", "PASS" if lo["cpu_ratio_to_full_build"] >= TARGET_LO_CPU_RATIO else "MISS"),
            ("  LO 用时 / 全量生成用时 ratio (aim)", f"{lo['ratio_to_full_build']:.2f}×",
             f"≥ {AIM_LO_RATIO:g}×", "PASS" if lo["ratio_to_full_build"] >= AIM_LO_RATIO else "MISS"),
        ]
    return rows + [
        ("一个市改一个数 one-city rebuild", f"{o['seconds']:.1f} s = {o['share_of_full_build'] * 100:.1f} % of full build",
         f"≤ {TARGET_REBUILD_SHARE * 100:g} %", "PASS" if o["share_of_full_build"] <= TARGET_REBUILD_SHARE else "MISS"),
        ("  重新生成的文件 rebuilt", f"{len(o['rebuilt'])} files"
                                   + (f", unexpected: {', '.join(o['unexpected'])}" if o["unexpected"] else
                                      " (notice, city letter/XLSX only)"), "", ""),
        ("无变化 no-change rebuild", f"{n['seconds']:.1f} s, {len(n['files_touched'])} files touched", "0 files",
         "PASS" if not n["files_touched"] else "MISS"),
        ("内存峰值 peak memory (PSS, tree)", f"{f['peak_pss_mb']} MB (RSS sum {f['peak_rss_sum_mb']} MB, "
                                             f"largest process RSS {f['peak_rss_one_process_mb']} MB)",
         f"≤ {TARGET_PEAK_MB} MB", "PASS" if f["peak_pss_mb"] <= TARGET_PEAK_MB else "MISS"),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description="reportgen benchmark (not a test: exit code 0 whatever the figures)")
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "jiangsu-2021", help="data set to copy and build")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (data copy, output, PDFs)")
    parser.add_argument("--scale", type=int, default=1, metavar="N",
                        help="give every city N times its counties in the data copy (N = 1 to 10; 1: the data as is)")
    parser.add_argument("--no-libreoffice", action="store_true", help="skip the LibreOffice batch conversion (step 4)")
    parser.add_argument("--no-submissions", action="store_true",
                        help="leave the submissions (and so the bulletins) out of the data copy, as --scale N > 1 does")
    args = parser.parse_args()
    if not args.data.is_dir():
        print(f"error: no data folder {args.data}", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    results = {"machine": machine()}
    work = Path(tempfile.mkdtemp(prefix="reportgen-bench-"))
    try:
        results.update(bench(args.data.resolve(), work, args.scale, not args.no_libreoffice,
                             not args.no_submissions))
    except BenchError as exc:
        print(f"\nerror: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    print()
    print_table(summary(results))
    o = results["one_city_rebuild"]
    print(f"\n一个市改一个数 changed {o['change']['file']} {o['change']['unit']} {o['change']['column']}: "
          f"{o['change']['old']} → {o['change']['new']}; rebuilt:")
    for name in o["rebuilt"]:
        print(f"  {name}")
    for line in o["build_says"]:
        print(f"  | {line}")
    busy = [name for name, key in (("full build", "full_build"), ("one-city rebuild", "one_city_rebuild"),
                                   ("no-change rebuild", "no_change_rebuild"), ("LibreOffice", "libreoffice_batch"))
            if key in results and results[key]["other_processes_load"] > BUSY_LOAD]
    results["machine_busy_during"] = busy
    if busy:
        print(f"\nwarning: other processes used more than {BUSY_LOAD} cores on average during: {', '.join(busy)}"
              " — those times are not representative; run again on an idle machine")
    if not results["submissions_present"]:
        print("\nnote: the data set has no submissions/ folder, so no bulletins were built")
    m = results["machine"]
    print(f"\nmachine: nproc {m['nproc']}, {m['cpu']}, {m['memory_mb']} MB, Python {m['python']}, "
          f"WeasyPrint {m['weasyprint']}, {m['libreoffice']}, libharfbuzz-subset "
          f"{'yes' if m['harfbuzz_subset'] else 'NO'}, commit {m['commit']}")
    target = ROOT / "bench" / "last-run.json"
    target.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"written {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
