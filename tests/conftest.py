import fcntl
import os
import pickle
import shutil
from pathlib import Path

import pytest

from reportgen.build import build
from reportgen.project import load_project

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "jiangsu-2021"

# The checkout is a project (reportgen.yaml): tests that call the library directly use its fonts folder,
# as the command line does when run from here.
CHECKOUT = load_project(ROOT / "reportgen.yaml")
CHECKOUT.activate()
SEED = Path(__file__).parent / "fixtures" / "seed_jiangsu_2021_notice.txt"

# 版头 and 版记 appended to a copy of notice.yaml by the tests that measure them (the default data has
# none: the published notice gives no 发文字号)
MASTHEAD = """
masthead:
  issuer_mark: 江苏省大气污染防治联席会议办公室文件
  doc_number: 苏大气办〔2021〕1号
imprint:
  copy_to: 省委办公厅，省人大常委会办公厅，省政府办公厅，省政协办公厅
  printed_by: 江苏省大气污染防治联席会议办公室
  printed_date: 2021-03-07
"""


# The fast lane, `pytest -m "not slow"` (well under a minute): tests/unit/ and these modules, which load,
# check and compute without building documents. Every other module is marked slow: a new module is
# slow until it is listed here, so the fast lane stays fast.
FAST_MODULES = {
    "test_bad_plan_data", "test_bad_submissions", "test_cli_messages", "test_number_parsing", "test_profile",
    "test_safety", "test_submission_form", "test_submissions", "test_validation", "test_xlsx_injection",
    "test_sample_submissions", "test_web_accounts", "test_cjk_lines",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = item.path
        if path.parent.name != "unit" and path.stem not in FAST_MODULES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The default data set built once for the whole session: {"pdf": Path, "docx": Path, "result": …}."""
    out = tmp_path_factory.mktemp("output")
    result = build(DATA, out, kinds=("notice",))
    pdf = next(w.path for w in result.written if w.path.suffix == ".pdf")
    docx = next(w.path for w in result.written if w.path.suffix == ".docx")
    return {"pdf": pdf, "docx": docx, "result": result, "out": out}


@pytest.fixture(scope="session")
def notice_lo_pdf(built, tmp_path_factory):
    """LibreOffice's PDF of the session's notice DOCX, converted once (with the profile's font
    substitutes, as `reportgen check` converts) for every test that reads it."""
    from helpers import libreoffice_to_pdf

    return libreoffice_to_pdf(built["docx"], tmp_path_factory.mktemp("notice-lo"))


def _build_everything(out: Path):
    result = build(DATA, out, allow_incomplete=True)
    assert not result.failed, result.failed
    return {"out": out, "result": result}


@pytest.fixture(scope="session")
def full_build(tmp_path_factory):
    """Every document of the default data set (--allow-incomplete), built once for the session and shared
    by the tests that only read full outputs: {"out": Path, "result": BuildResult}. A test that changes
    data or outputs builds its own.

    `make test` runs the suite on one process per core (pytest-xdist, --dist loadfile: a module's tests
    on one process). The first process that asks builds it into the session's common temporary folder;
    the others wait on a lock and read its result there, so the full build is made once."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return _build_everything(tmp_path_factory.mktemp("full-build"))
    shared = tmp_path_factory.getbasetemp().parent      # common to the session's worker processes
    saved = shared / "full-build.pickle"
    with open(shared / "full-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if saved.is_file():
            return pickle.loads(saved.read_bytes())
        made = _build_everything(shared / "full-build")
        saved.write_bytes(pickle.dumps(made))
        return made


@pytest.fixture
def data_copy(tmp_path):
    """A writable copy of the default data set, for tests that break it."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


@pytest.fixture
def seed_lines():
    return [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(autouse=True)
def _project_settings_restored():
    """A CLI command run inside a temporary project activates that project's templates, profiles and
    fonts for the whole process (Project.activate); every test starts from the settings it found."""
    from reportgen import resources

    saved = resources.current()
    yield
    resources.use(saved)
