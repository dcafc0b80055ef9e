"""A full disk, a read-only folder, a missing permission: one plain Chinese message, exit code 1, no
traceback, no false claim about what was made, and nothing half-written. The real conditions are made
with small tmpfs mounts (needs root, as on the CI machine); the same paths are also driven by injected
faults, which run anywhere."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA

from reportgen.cli import main
from reportgen.manifest import MANIFEST_NAME, file_digest

REPORTGEN = [sys.executable, "-m", "reportgen"]
MONTH = "2021-05"
CSV = ("单位名称,PM2.5浓度,优良天数,有效监测天数,备注\n南京市,33.1,25,31,\n江宁区,31.0,26,31,\n六合区,32.4,24,30,\n"
       "溧水区,30.2,27,31,\n高淳区,29.9,28,31,\n")


@contextmanager
def tmpfs(path: Path, size: str):
    path.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip()}); the injected-fault tests cover this")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def fill(folder: Path) -> None:
    """Use up every free byte of the file system holding `folder`."""
    with open(folder / "filler", "wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    for size in (4096, 512, 1):   # the last partial blocks
        try:
            with open(folder / f"filler-{size}", "wb") as f:
                while True:
                    f.write(b"\0" * size)
                    f.flush()
        except OSError:
            pass


def run(args, **kw):
    return subprocess.run(REPORTGEN + args, capture_output=True, text=True, timeout=300, **kw)


def assert_plain_failure(result, *fragments):
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "Error:" not in result.stderr, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)


@pytest.fixture
def sample_csv(tmp_path):
    path = tmp_path / "南京.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_build_onto_a_full_disk(tmp_path):
    with tmpfs(tmp_path / "disk", "400k") as disk:
        result = run(["bulletin", "--month", MONTH, "--data", str(DATA), "--out", str(disk / "out")])
        assert_plain_failure(result, "磁盘空间不足", "没有生成任何文件", "原有版本保持不变")
        assert "其余" not in result.stderr and "完成：" not in result.stdout
        assert not list((disk / "out").rglob("*.pdf"))                       # nothing half-written
        leftovers = [p.name for p in (disk / "out").iterdir() if p.name.startswith((".staging", ".tmp"))]
        assert leftovers == []


def test_build_runs_out_of_space_half_way(tmp_path):
    """Enough room for some files only: what was made is complete and in the manifest, the rest is
    named, and a rerun with space finishes the job."""
    with tmpfs(tmp_path / "disk", "1500k") as disk:
        out = disk / "out"
        result = run(["bulletin", "--month", MONTH, "--month", "2021-04", "--month", "2021-03", "--data", str(DATA),
                      "--out", str(out)])
        assert result.returncode == 1, result.stderr
        assert "磁盘空间不足" in result.stderr and "Traceback" not in result.stderr
        manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))["documents"] \
            if (out / MANIFEST_NAME).exists() else {}
        for entry in manifest.values():
            for rel, digest in entry["files"].items():
                assert file_digest(out / rel) == digest
        for filler in disk.glob("filler*"):
            filler.unlink()
        subprocess.run(["mount", "-o", "remount,size=20m", str(disk)], check=True)
        again = run(["bulletin", "--month", MONTH, "--month", "2021-04", "--month", "2021-03", "--data", str(DATA),
                     "--out", str(out)])
        assert again.returncode == 0, again.stderr
        assert len(list(out.rglob("*.pdf"))) == 3


def test_submit_onto_a_full_disk_stores_nothing(tmp_path, sample_csv):
    with tmpfs(tmp_path / "disk", "8m") as disk:
        data = disk / "data"
        shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("submissions"))
        (data / "submissions" / MONTH / "南京市").mkdir(parents=True)
        fill(disk)
        result = run(["submit", str(sample_csv), "--month", MONTH, "--data", str(data)])
        assert_plain_failure(result, "磁盘空间不足", "操作未完成")
        assert list((data / "submissions" / MONTH / "南京市").iterdir()) in ([], [data / "submissions" / MONTH /
                                                                                "南京市" / ".lock"])


def test_submit_into_a_read_only_folder(tmp_path, sample_csv):
    with tmpfs(tmp_path / "disk", "8m") as disk:
        data = disk / "data"
        shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("submissions"))
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        result = run(["submit", str(sample_csv), "--month", MONTH, "--data", str(data)])
        assert_plain_failure(result, "只读")
        assert not (data / "submissions").exists()
        debug = run(["--debug", "submit", str(sample_csv), "--month", MONTH, "--data", str(data)])
        assert debug.returncode == 1 and "Traceback" in debug.stderr and "OSError" in debug.stderr


def test_form_onto_a_full_disk_leaves_no_partial_file(tmp_path):
    with tmpfs(tmp_path / "disk", "64k") as disk:
        fill(disk)
        target = disk / "南京报送表.xlsx"
        result = run(["form", "--month", MONTH, "--city", "南京", "--data", str(DATA), "--out", str(target)])
        assert_plain_failure(result, "磁盘空间不足")
        assert not target.exists() and not list(disk.glob(".tmp-*"))


# -- the same paths by injected faults (any machine) ---------------------------------------------

def test_injected_disk_full_in_every_document(tmp_path, monkeypatch):
    import reportgen.build

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / "out" / "x.pdf"))

    monkeypatch.setattr(reportgen.build, "write_document", no_space)
    result = CliRunner().invoke(main, ["bulletin", "--month", MONTH, "--data", str(DATA), "--out",
                                       str(tmp_path / "out")])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "磁盘空间不足" in result.output and "没有生成任何文件" in result.output
    assert "其余" not in result.output and "Traceback" not in result.output


def test_injected_permission_error_on_submit(tmp_path, sample_csv, monkeypatch):
    import reportgen.load.submissions

    def refused(*args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(tmp_path / "data"))

    monkeypatch.setattr(reportgen.load.submissions, "link_new_file", refused)
    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("submissions"))
    result = CliRunner().invoke(main, ["submit", str(sample_csv), "--month", MONTH, "--data", str(data)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "没有写入或读取权限" in result.output and "Traceback" not in result.output
    assert not [p for p in (data / "submissions").rglob("*") if p.is_file() and p.name != ".lock"]


def test_a_bug_is_reported_as_one_line_and_debug_shows_it(tmp_path, sample_csv, monkeypatch):
    import reportgen.load.submissions

    def bug(*args, **kwargs):
        raise KeyError("simulated bug")

    monkeypatch.setattr(reportgen.load.submissions, "link_new_file", bug)
    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("submissions"))
    plain = CliRunner().invoke(main, ["submit", str(sample_csv), "--month", MONTH, "--data", str(data)])
    assert plain.exit_code == 1 and "程序内部错误" in plain.output and "--debug" in plain.output
    debug = CliRunner().invoke(main, ["--debug", "submit", str(sample_csv), "--month", MONTH, "--data", str(data)])
    assert isinstance(debug.exception, KeyError)
