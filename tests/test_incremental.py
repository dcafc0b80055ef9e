"""Rebuilds after data revisions: only what changed is rebuilt, nothing else moves, outputs are
byte-identical across clean builds, and an interrupted or failing build leaves earlier outputs intact."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA

from reportgen.build import build
from reportgen.cli import main

ALL_BUT_BULLETINS = ("notice", "letters", "tasks", "tables")


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def snapshot(out):
    return {p.relative_to(out).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
            for p in out.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def built_copy(full_build, tmp_path_factory):
    """A copy of the data set (without submissions) and a copy of the session's full build: every plan
    document in it is up to date for the copied data (test_no_change_rebuild_writes_nothing)."""
    root = tmp_path_factory.mktemp("incremental")
    data = root / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("submissions"))
    out = root / "out"
    shutil.copytree(full_build["out"], out)
    return data, out


def test_no_change_rebuild_writes_nothing(built_copy):
    data, out = built_copy
    before = snapshot(out)
    result = build(data, out, kinds=ALL_BUT_BULLETINS, allow_incomplete=True)
    assert result.written == [] and result.unchanged > 100
    assert snapshot(out) == before   # not even the manifest is rewritten


def test_one_value_rebuilds_exactly_the_documents_that_read_it(built_copy, tmp_path):
    data, out = (shutil.copytree(folder, tmp_path / folder.name) for folder in built_copy)   # changed here only
    edit(data / "annexes" / "annex5.csv", "镇江市,3.6", "镇江市,3.5")
    before = snapshot(out)
    result = build(data, out, kinds=ALL_BUT_BULLETINS, allow_incomplete=True)
    rebuilt = sorted(w.path.relative_to(out).as_posix() for w in result.written)
    notice = "2021/通知/关于印发江苏省2021年大气污染防治工作计划的通知"
    assert rebuilt == sorted([f"{notice}.pdf", f"{notice}.docx", "2021/目标责任书/镇江市.pdf",
                              "2021/目标责任书/镇江市.docx", "2021/附件数据/镇江市.xlsx"])
    assert all(w.reasons and w.reasons[0].startswith("所用数据") for w in result.written)
    after = snapshot(out)
    bookkeeping = (".reportgen-manifest.json", ".reportgen.lock")   # the lock names the build holding it
    untouched = [k for k in before if k not in rebuilt and k not in bookkeeping]
    assert len(untouched) > 200 and all(after[k] == before[k] for k in untouched)
    assert after["2021/附件数据/镇江市.xlsx"][1] != before["2021/附件数据/镇江市.xlsx"][1]


def test_changed_template_or_edited_output_is_rebuilt(built_copy):
    data, out = built_copy
    target = out / "2021/目标责任书/南京市.docx"
    target.write_bytes(b"damaged")
    result = build(data, out, kinds=("letters",), unit_names=["南京"], allow_incomplete=True)
    assert [w.path.name for w in result.written] == ["南京市.pdf", "南京市.docx"]
    assert result.written[0].reasons == ["输出文件被改动"]
    assert zipfile.is_zipfile(target)


def test_diff_lists_the_change_and_the_affected_documents(built_copy, tmp_path):
    data, _ = built_copy
    new = tmp_path / "new"
    shutil.copytree(data, new)
    edit(new / "annexes" / "annex5.csv", "镇江市,3.6", "镇江市,3.5")
    # a change that moves totals: one more 其他减排项目 for 镇江 (附件6 sums to 全省; its stated
    # published total is revised with it, as the office would)
    rows = (new / "annexes" / "annex6.csv").read_text(encoding="utf-8").splitlines()
    i = next(n for n, r in enumerate(rows) if r.startswith("镇江,"))
    cells = rows[i].split(",")
    cells[-1] = str(int(cells[-1]) + 1)
    rows[i] = ",".join(cells)
    (new / "annexes" / "annex6.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    edit(new / "annexes" / "annex6.yaml", 'other: "166"', 'other: "167"')
    edit(new / "annexes" / "annex6.yaml", 'total: "10134"', 'total: "10135"')
    result = CliRunner().invoke(main, ["diff", str(data), str(new), "--data", str(data)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "附件5 镇江市 降尘考核目标（吨/平方千米·月）：3.6 → 3.5" in out
    assert "附件5的“全省”一行为省定数值" in out
    assert f"附件6 镇江市 其他减排项目：{int(cells[-1]) - 1} → {cells[-1]}" in out
    assert "附件6 全省 其他减排项目：166 → 167" in out and "附件6 全省 合计：10134 → 10135" in out
    assert "附件6 镇江市 合计：" in out
    assert "2021/目标责任书/镇江市（PDF、DOCX）" in out and "2021/附件数据/镇江市（XLSX）" in out
    assert "2021/附件数据/南京市（XLSX）" not in out                       # 南京's own figures did not move
    # the plan's prose restates the 全省 合计 (工作计划三（一）): the sentence is listed with old and new figures
    assert "随之修改的文字" in out and "工作计划三（一）" in out and "10134项" in out and "10135项" in out
    unnamed = CliRunner().invoke(main, ["revision-note", str(data), str(new), "--data", str(data), "--out",
                                        str(tmp_path / "out"), "--date", "2021-06-20"])
    assert unnamed.exit_code == 2 and "--old-label" in unnamed.output    # a folder's path is never printed
    note = CliRunner().invoke(main, ["revision-note", str(data), str(new), "--data", str(data), "--out",
                                     str(tmp_path / "out"), "--date", "2021-06-20",
                                     "--old-label", "2021年3月7日印发时的数据", "--new-label", "2021年6月18日核实后的数据"])
    assert note.exit_code == 0, note.output
    pdf = tmp_path / "out/2021/修订说明/修订说明-20210620.pdf"
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "修订后" in text and "3.6" in text and "3.5" in text and "镇江市" in text
    flat = "".join(text.split())
    assert "对2021年3月7日印发时的数据作了修订，修订后为2021年6月18日核实后的数据" in flat
    assert str(tmp_path) not in text and "/" not in flat.replace("吨/平方千米", "")   # no paths
    assert "《2021年大气污染防治目标责任书》（" in flat and "镇江市的附件数据（XLSX）" in flat
    assert "工作计划三（一）“2021年全省共安排大气污染防治工程项目10134项" in flat and "“10134”改为“10135”" in flat


def test_diff_between_git_revisions(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(DATA, repo / "data" / "set", ignore=shutil.ignore_patterns("submissions"))
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(git + ["init", "-q"], check=True)
    subprocess.run(git + ["add", "."], check=True)
    subprocess.run(git + ["commit", "-qm", "v1"], check=True)
    edit(repo / "data" / "set" / "annexes" / "annex5.csv", "镇江市,3.6", "镇江市,3.5")
    subprocess.run(git + ["commit", "-qam", "v2"], check=True)
    result = CliRunner().invoke(main, ["diff", "HEAD~1", "HEAD", "--data", str(repo / "data" / "set")])
    assert result.exit_code == 0, result.output
    assert "附件5 镇江市 降尘考核目标（吨/平方千米·月）：3.6 → 3.5" in result.output
    bad = CliRunner().invoke(main, ["diff", "nosuchrev", "HEAD", "--data", str(repo / "data" / "set")])
    assert bad.exit_code == 2 and "既不是文件夹" in bad.output


def test_one_failing_document_does_not_stop_the_others(built_copy, monkeypatch):
    data, out = built_copy
    before = (out / "2021/目标责任书/句容市.pdf").read_bytes()
    from reportgen.writers import docx as docx_writer

    real = docx_writer.write_docx

    def failing(html, profile, target, title=""):
        if "句容" in target.name:
            raise RuntimeError("simulated writer failure")
        return real(html, profile, target, title)

    monkeypatch.setattr(docx_writer, "write_docx", failing)
    result = build(data, out, kinds=("letters",), unit_names=["句容", "丹阳"], allow_incomplete=True, force=True,
                   jobs=1)
    assert [name for name, _ in result.failed] == ["2021/目标责任书/句容市"]
    assert "simulated writer failure" in result.failed[0][1]
    assert {w.path.name for w in result.written} == {"丹阳市.pdf", "丹阳市.docx"}
    assert (out / "2021/目标责任书/句容市.pdf").read_bytes() == before
    monkeypatch.setattr(docx_writer, "write_docx", real)
    again = build(data, out, kinds=("letters",), unit_names=["句容", "丹阳"], allow_incomplete=True)
    assert again.written == []   # the failed rebuild was forced: the earlier 句容 files still match their inputs


@pytest.mark.parametrize("interval", [0.0, 1e9])
def test_a_file_being_replaced_is_never_vouched_for_by_the_manifest_on_disk(built_copy, monkeypatch, interval):
    """The manifest is saved in batches (at most about once a second, issue 18), yet whenever a document's
    file is replaced the manifest on disk has no entry naming it; a build ends with every entry saved."""
    import reportgen.build as build_module
    from reportgen.manifest import MANIFEST_NAME

    data, out = built_copy
    manifest_path = out / MANIFEST_NAME
    real_replace = os.replace
    replaced, saves = [], []

    def replace(src, dst):
        dst = Path(dst)
        if dst == manifest_path:
            saves.append(dst)
        elif ".staging-" in str(src) and ".staging-" not in str(dst) and dst.exists():   # put in place
            on_disk = json.loads(manifest_path.read_text(encoding="utf-8"))["documents"]
            vouched = {rel for entry in on_disk.values() for rel in entry["files"]}
            assert dst.relative_to(out).as_posix() not in vouched
            replaced.append(dst)
        return real_replace(src, dst)

    monkeypatch.setattr(build_module, "SAVE_INTERVAL", interval)
    monkeypatch.setattr(build_module, "SAVE_MAX_SHARE", 1e9 if interval == 0 else build_module.SAVE_MAX_SHARE)
    monkeypatch.setattr(os, "replace", replace)
    result = build(data, out, kinds=("letters", "tables"), unit_names=["句容", "丹阳", "镇江"], allow_incomplete=True,
                   force=True, jobs=1)
    monkeypatch.undo()
    assert not result.failed and len(replaced) == len(result.written) == 3 * 3
    assert len(saves) == (2 if interval else 2 * 3 + 1)   # batched: a save before the replaces, one after
    assert build(data, out, kinds=("letters", "tables"), unit_names=["句容", "丹阳", "镇江"],
                 allow_incomplete=True).written == []


def test_killed_build_leaves_previous_outputs_readable(built_copy, tmp_path):
    data, out = built_copy
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    folder = out / "2021/目标责任书"
    started = max(p.stat().st_mtime_ns for p in folder.iterdir())
    # eight cities' letters: a document is put in place when its PDF and DOCX are both made, and the build
    # makes the large parts (the PDFs) first, so with all 67 letters the first is in place near the end
    units = [arg for city in ("南京", "无锡", "徐州", "常州", "苏州", "南通", "连云港", "淮安") for arg in ("--unit", city)]
    proc = subprocess.Popen([sys.executable, "-m", "reportgen", "letters", *units, "--allow-incomplete",
                             "--force", "--data", str(data), "--out", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True)
    # killed half-way: as soon as the first rebuilt letter is in place (not after a fixed time)
    deadline = time.monotonic() + 120
    while not any(p.stat().st_mtime_ns > started for p in folder.iterdir() if p.is_file()):
        assert proc.poll() is None and time.monotonic() < deadline, "the build ended before a letter was rebuilt"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    rebuilt = [p for p in folder.iterdir() if p.is_file() and p.stat().st_mtime_ns > started]
    assert 0 < len(rebuilt) < 2 * 8, len(rebuilt)
    manifest = json.loads((out / ".reportgen-manifest.json").read_text(encoding="utf-8"))
    letters = sorted((out / "2021/目标责任书").iterdir())
    assert len(letters) == 2 * 67
    for path in letters:
        assert not path.name.startswith("."), path
        if path.suffix == ".pdf":
            assert subprocess.run(["pdfinfo", str(path)], capture_output=True).returncode == 0, path
        else:
            with zipfile.ZipFile(path) as z:
                assert z.testzip() is None
    # every file the manifest vouches for is the file on disk; the rest are rebuilt next time
    from reportgen.manifest import file_digest
    stale = [rel for entry in manifest["documents"].values() for rel, h in entry["files"].items()
             if file_digest(out / rel) != h]
    assert stale == []
    result = build(data, out, kinds=("letters",), allow_incomplete=True)
    assert not result.failed
    assert build(data, out, kinds=("letters",), allow_incomplete=True).written == []
