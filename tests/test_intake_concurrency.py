"""Many people at once, and processes killed half-way: nothing lost, nothing numbered twice, nothing
half-written, no process left behind."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA

from reportgen.build import LOCK_NAME
from reportgen.cli import main
from reportgen.files import exclusive_lock
from reportgen.load.plan import load_plan
from reportgen.load.submissions import STORED_NAME, load_submissions, store_submission
from reportgen.manifest import MANIFEST_NAME, file_digest
from reportgen.problems import Problems

MONTH = "2021-05"
REPORTGEN = [sys.executable, "-m", "reportgen"]


@pytest.fixture
def bare_data(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("submissions"))
    return target


def city_csv(folder: Path, plan, city, variant: int) -> Path:
    """A valid submission of `city`; `variant` makes its bytes distinct."""
    lines = ["单位名称,PM2.5浓度,优良天数,有效监测天数,备注"]
    for i, unit in enumerate([city] + plan.units.children(city)):
        lines.append(f"{unit.name},{30 + i}.{variant},{20 + variant},31,")
    path = folder / f"{city.short_name}-{variant}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _submit_when_started(data, path, start, plan):
    start.wait()
    try:
        store_submission(data, path, MONTH, plan.units, plan.annexes.get(6))
    except BaseException:  # noqa: BLE001 - the parent sees the exit code
        os._exit(1)
    os._exit(0)


def stored_files(data: Path, city: str) -> list[Path]:
    folder = data / "submissions" / MONTH / city
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".")) if folder.exists() else []


def test_thirteen_cities_three_submissions_each_at_once_twice(bare_data, tmp_path):
    plan = load_plan(bare_data)[0]
    sources = {c.name: [city_csv(tmp_path, plan, c, v) for v in range(3)] for c in plan.units.cities}
    # round 2 sends other files: the same file sent again is not a new revision (store_submission)
    later = {c.name: [city_csv(tmp_path, plan, c, v) for v in range(3, 6)] for c in plan.units.cities}
    # round 1: 39 processes calling the library, released together
    ctx = multiprocessing.get_context("fork")
    start = ctx.Event()
    procs = [ctx.Process(target=_submit_when_started, args=(bare_data, p, start, plan))
             for paths in sources.values() for p in paths]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0] * len(procs)
    # round 2: 39 `reportgen submit` commands at once
    commands = [subprocess.Popen(REPORTGEN + ["submit", str(p), "--month", MONTH, "--data", str(bare_data)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for paths in later.values() for p in paths]
    outcomes = [(c.wait(120), c.stderr.read()) for c in commands]
    assert all(code == 0 for code, _ in outcomes), outcomes

    for city, paths in sources.items():
        files = stored_files(bare_data, city)
        numbers = sorted(int(STORED_NAME.match(f.name).group(1)) for f in files)
        assert numbers == [1, 2, 3, 4, 5, 6], (city, [f.name for f in files])
        contents = sorted(f.read_bytes() for f in files)
        assert contents == sorted(p.read_bytes() for p in paths + later[city])   # every submission stored once
    # the same revision is current everywhere: the archive the bulletin reads, and `reportgen submissions`
    archive = load_submissions(bare_data, plan.units, plan.annexes.get(6), Problems())
    assert {c: s.revision for c, s in archive.current[MONTH].items()} == {c.name: 6 for c in plan.units.cities}
    listing = CliRunner().invoke(main, ["submissions", "--month", MONTH, "--data", str(bare_data)]).output
    current_lines = [line for line in listing.splitlines() if "现行版本" in line]
    assert len(current_lines) == 13 and all("第6版" in line for line in current_lines), listing


def test_killed_submissions_leave_a_consistent_archive(bare_data, tmp_path):
    plan = load_plan(bare_data)[0]
    city = plan.units.find("南京市")
    rng = random.Random(20211)
    sources = [city_csv(tmp_path, plan, city, v % 10) for v in range(8)]
    for source in sources:
        proc = subprocess.Popen(REPORTGEN + ["submit", str(source), "--month", MONTH, "--data", str(bare_data)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.0, 1.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    files = stored_files(bare_data, city.name)
    numbers = [int(STORED_NAME.match(f.name).group(1)) for f in files]
    assert numbers == list(range(1, len(files) + 1))                       # no gap, no duplicate
    known = {s.read_bytes() for s in sources}
    assert all(f.read_bytes() in known for f in files)                     # each stored file is complete
    result = CliRunner().invoke(main, ["submit", str(sources[0]), "--month", MONTH, "--data", str(bare_data)])
    assert result.exit_code == 0, result.output
    assert f"第{len(files) + 1}版" in result.output
    folder = bare_data / "submissions" / MONTH / city.name
    assert not list(folder.glob(".tmp-*"))                                 # leftovers of killed runs removed


def processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().decode("utf-8", "replace")
            state = next((line for line in (entry / "status").read_text().splitlines()
                          if line.startswith("State:")), "")
        except OSError:
            continue
        if text in cmdline and "zombie" not in state:
            found.append(int(entry.name))
    return found


def manifest_is_consistent(out: Path) -> None:
    path = out / MANIFEST_NAME
    if not path.exists():
        return
    documents = json.loads(path.read_text(encoding="utf-8"))["documents"]
    for entry in documents.values():
        for rel, digest in entry["files"].items():
            assert (out / rel).exists() and file_digest(out / rel) == digest, rel


@pytest.fixture(scope="module")
def data_with_submissions(tmp_path_factory):
    target = tmp_path_factory.mktemp("kill") / "data"
    shutil.copytree(DATA, target)
    return target


def test_killed_builds_leave_no_process_and_a_consistent_manifest(data_with_submissions, tmp_path):
    out = tmp_path / "killed-build-out"
    rng = random.Random(7)
    command = REPORTGEN + ["bulletin", "--month", MONTH, "--month", "2021-04", "--data", str(data_with_submissions),
                           "--out", str(out), "--force"]
    for _ in range(3):
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(1.0, 3.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 10
        while processes_mentioning(str(out)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert processes_mentioning(str(out)) == []                       # workers died with the build
        manifest_is_consistent(out)
    finished = subprocess.run(command[:-1], capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    manifest_is_consistent(out)
    assert not list(out.glob(".staging-*")) and not list(out.glob(".tmp-*"))
    assert len(list((out / "2021" / "通报").glob("*.pdf"))) == 2


def test_a_second_build_waits_for_the_first_and_both_are_recorded(data_with_submissions, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with exclusive_lock(out / LOCK_NAME) as lock:   # stands for a build in progress
        lock.announce()
        waiting = subprocess.Popen(REPORTGEN + ["bulletin", "--month", MONTH, "--data", str(data_with_submissions),
                                                "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True)
        # held until the second build says it waits (it reads the data first: seconds on a busy machine)
        said = ""
        while "等待其完成" not in said and (line := waiting.stderr.readline()):
            said = line
        assert f"进程{os.getpid()}" in said and "正被另一个生成任务使用" in said and "等待其完成" in said, said
        assert waiting.poll() is None                                     # still waiting
        assert not (out / MANIFEST_NAME).exists()
    code = waiting.wait(120)
    err = waiting.stderr.read()
    assert code == 0, err
    # two builds started together on the same folder: the manifest keeps the entries of both
    both = [subprocess.Popen(REPORTGEN + args + ["--data", str(data_with_submissions), "--out", str(out)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for args in (["bulletin", "--month", "2021-04"], ["letters", "--unit", "南京"])]
    assert [p.wait(300) for p in both] == [0, 0]
    documents = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))["documents"]
    keys = " ".join(documents)
    assert "2021-05" in keys and "2021-04" in keys and "目标责任书/南京市" in keys
    manifest_is_consistent(out)
