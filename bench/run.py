"""Benchmark of `reportgen build` (a script, not a test): prints figures, writes bench/last-run.json.

Measures, on a copy of the data set:
1. a full build from clean (--force, empty output folder): wall time, files, PDF pages, rates;
2. peak memory of that build's whole process tree (PSS sums shared, forked pages fairly; RSS too);
3. a rebuild after changing one value of one city (镇江's 附件5 降尘 target) and a no-change rebuild;
4. LibreOffice converting the same DOCX files to PDF in one batch (what a DOCX-first pipeline costs).
Targets (issue 6): full build ≥ 3× faster than (4); one-city rebuild ≤ 10 % of (1); peak memory ≤ 1 GB.

Usage: .venv/bin/python bench/run.py [--data data/jiangsu-2021] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORTGEN = [sys.executable, "-m", "reportgen"]


def tree(pid: int) -> list[int]:
    out = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                for child in f.read().split():
                    out += tree(int(child))
    except OSError:
        pass
    return out


def rollup(pid: int) -> tuple[int, int]:
    """(PSS, RSS) in kB."""
    pss = rss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
                elif line.startswith("Rss:"):
                    rss = int(line.split()[1])
    except OSError:
        pass
    return pss, rss


def run_measured(cmd: list[str], env=None) -> dict:
    """Run `cmd`, sampling the memory of its process tree every 0.2 s."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peak = {"pss_kb": 0, "rss_sum_kb": 0, "rss_max_kb": 0}
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            values = [rollup(p) for p in tree(proc.pid)]
            peak["pss_kb"] = max(peak["pss_kb"], sum(v[0] for v in values))
            peak["rss_sum_kb"] = max(peak["rss_sum_kb"], sum(v[1] for v in values))
            peak["rss_max_kb"] = max([peak["rss_max_kb"]] + [v[1] for v in values])
            stop.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    stop.set()
    sampler.join()
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{stderr[-2000:]}")
    return {"seconds": seconds, "stdout": stdout, "stderr": stderr, **peak}


def outputs(out: Path) -> dict[str, list[Path]]:
    files: dict[str, list[Path]] = {}
    for p in out.rglob("*"):
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(out).parts):
            files.setdefault(p.suffix, []).append(p)
    return files


def pdf_pages(paths: list[Path]) -> int:
    from pypdf import PdfReader
    return sum(len(PdfReader(str(p)).pages) for p in paths)


def mtimes(out: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}


def machine() -> dict:
    from reportgen.writers.pdf import harfbuzz_subset_available
    import weasyprint

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "?")
    lo = subprocess.run(["soffice", "--version"], capture_output=True, text=True).stdout.strip()
    return {"cores": os.cpu_count(), "cpu": cpu, "python": platform.python_version(), "weasyprint": weasyprint.__version__,
            "libreoffice": lo, "harfbuzz_subset": harfbuzz_subset_available()}


def libreoffice_batch(docx: list[Path], work: Path) -> dict:
    """One soffice invocation converting every DOCX, with the project's font mapping (as `reportgen
    check` does); a warm-up conversion first so the profile creation is not timed."""
    from reportgen.fontconfig import libreoffice_environment
    from reportgen.profile import Profile

    flat = work / "docx"
    flat.mkdir()
    for i, p in enumerate(docx):
        shutil.copy(p, flat / f"{i:03d}-{p.name}")
    env = libreoffice_environment(Profile.load(), work / "fc")
    profile = f"-env:UserInstallation=file://{work / 'lo-profile'}"
    base = ["soffice", profile, "--headless", "--norestore", "--convert-to", "pdf"]
    subprocess.run(base + ["--outdir", str(work / "warm"), str(flat / sorted(os.listdir(flat))[0])],
                   capture_output=True, env=env, check=True)
    start = time.perf_counter()
    subprocess.run(base + ["--outdir", str(work / "pdf")] + [str(p) for p in sorted(flat.iterdir())],
                   capture_output=True, env=env, check=True)
    seconds = time.perf_counter() - start
    converted = len(list((work / "pdf").glob("*.pdf")))
    return {"seconds": seconds, "files": len(docx), "converted": converted}


def main() -> None:
    parser = argparse.ArgumentParser(description="reportgen benchmark")
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "jiangsu-2021")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    work = Path(tempfile.mkdtemp(prefix="reportgen-bench-"))
    data, out = work / "data", work / "out"
    shutil.copytree(args.data, data)
    build = REPORTGEN + ["build", "--allow-incomplete", "--data", str(data), "--out", str(out)]
    results: dict = {"machine": machine()}
    try:
        print("1/4 全量生成 full build from clean …", flush=True)
        full = run_measured(build + ["--force"])
        files = outputs(out)
        pages = pdf_pages(files.get(".pdf", []))
        n_files = sum(len(v) for v in files.values())
        documents = len(files.get(".pdf", [])) + len(files.get(".xlsx", []))
        results["full_build"] = {
            "seconds": round(full["seconds"], 1), "files": n_files,
            "by_type": {k: len(v) for k, v in sorted(files.items())}, "documents": documents, "pdf_pages": pages,
            "documents_per_second": round(documents / full["seconds"], 2),
            "pages_per_second": round(pages / full["seconds"], 1),
            "peak_pss_mb": round(full["pss_kb"] / 1024), "peak_rss_sum_mb": round(full["rss_sum_kb"] / 1024),
            "peak_rss_one_process_mb": round(full["rss_max_kb"] / 1024)}

        print("2/4 无变化重新生成 no-change rebuild …", flush=True)
        before = mtimes(out)
        same = run_measured(build)
        results["no_change_rebuild"] = {"seconds": round(same["seconds"], 1),
                                        "files_touched": sum(1 for k, v in mtimes(out).items() if before.get(k) != v)}

        print("3/4 改一个市的一个数值后重新生成 one-city rebuild (镇江 附件5) …", flush=True)
        annex5 = data / "annexes" / "annex5.csv"
        text = annex5.read_text(encoding="utf-8")
        line = next(l for l in text.splitlines() if l.startswith("镇江"))
        unit, value = line.split(",")
        annex5.write_text(text.replace(line, f"{unit},{float(value) - 0.1:.1f}"), encoding="utf-8")
        before = mtimes(out)
        one = run_measured(build)
        changed = sorted(str(Path(k).relative_to(out)) for k, v in mtimes(out).items()
                         if before.get(k) != v and not Path(k).name.startswith("."))
        results["one_city_rebuild"] = {"seconds": round(one["seconds"], 1), "rebuilt": changed,
                                       "share_of_full_build": round(one["seconds"] / full["seconds"], 3)}

        print(f"4/4 LibreOffice 一次转换全部 {len(files.get('.docx', []))} 个 DOCX …", flush=True)
        lo = libreoffice_batch(files.get(".docx", []), work)
        results["libreoffice_batch"] = {"seconds": round(lo["seconds"], 1), "files": lo["files"],
                                        "converted": lo["converted"],
                                        "ratio_to_full_build": round(lo["seconds"] / full["seconds"], 2)}
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}")

    f, o, lo = results["full_build"], results["one_city_rebuild"], results["libreoffice_batch"]
    rows = [
        ("全量生成 full build", f"{f['seconds']} s, {f['documents']} documents / {f['files']} files, {f['pdf_pages']} pages",
         "—", ""),
        ("文档/秒 documents per second", f"{f['documents_per_second']}", "—", ""),
        ("页/秒 pages per second", f"{f['pages_per_second']}", "—", ""),
        ("LibreOffice 批量转换 DOCX→PDF", f"{lo['seconds']} s for {lo['files']} files ({lo['converted']} converted)",
         "≥ 3× the full build", "PASS" if lo["ratio_to_full_build"] >= 3 else "MISS"),
        ("  ratio LibreOffice / full build", f"{lo['ratio_to_full_build']}×", "≥ 3", ""),
        ("一个市改一个数 one-city rebuild", f"{o['seconds']} s = {o['share_of_full_build'] * 100:.1f} % of full",
         "≤ 10 %", "PASS" if o["share_of_full_build"] <= 0.10 else "MISS"),
        ("  rebuilt", ", ".join(o["rebuilt"]), "notice, 镇江 letter and XLSX", ""),
        ("无变化 no-change rebuild", f"{results['no_change_rebuild']['seconds']} s, "
                                     f"{results['no_change_rebuild']['files_touched']} files touched", "0 files", ""),
        ("内存峰值 peak memory (PSS, tree)", f"{f['peak_pss_mb']} MB (RSS sum {f['peak_rss_sum_mb']} MB, "
                                             f"largest process {f['peak_rss_one_process_mb']} MB)",
         "≤ 1024 MB", "PASS" if f["peak_pss_mb"] <= 1024 else "MISS"),
    ]
    print()
    for label, value, target, verdict in rows:
        print(f"{label:34} {value:70} {target:22} {verdict}")
    print("machine:", json.dumps(results["machine"], ensure_ascii=False))
    (ROOT / "bench" / "last-run.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
