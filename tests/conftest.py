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


# The modules that take longest (measured: `pytest -n auto --dist loadfile --durations=0`), run first:
# xdist hands out modules in collection order, so a long module left to the end keeps one process busy
# while the other has nothing left to do. The ones reading the session's full build come first, so that
# it is made while the other process works through the rest.
LONGEST_FIRST = [
    "test_letters", "test_check_all_docx", "test_check_all", "test_incremental", "test_issuing",
    "test_intake_concurrency", "test_environment_errors", "test_web_jobs", "test_check", "test_web_security",
    "test_second_dataset", "test_web_browser", "test_masthead", "test_project", "test_unit_changes",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = item.path
        if path.parent.name != "unit" and path.stem not in FAST_MODULES:
            item.add_marker(pytest.mark.slow)
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.stem, len(rank)))   # stable: a module's tests stay in order


def once_per_session(tmp_path_factory, name: str, make):
    """make(folder) run once for the whole test session, and its (picklable) result.

    `make test` runs the suite on one process per core (pytest-xdist, --dist loadfile: a module's tests
    on one process). The first process that asks makes it in the session's common temporary folder; the
    others wait on a lock and read its pickled result there."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return make(tmp_path_factory.mktemp(name))
    shared = tmp_path_factory.getbasetemp().parent      # common to the session's worker processes
    saved = shared / f"{name}.pickle"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if saved.is_file():
            return pickle.loads(saved.read_bytes())
        folder = shared / name
        folder.mkdir(exist_ok=True)
        made = make(folder)
        saved.write_bytes(pickle.dumps(made))
        return made


def _build_everything(out: Path):
    result = build(DATA, out, allow_incomplete=True)
    assert not result.failed, result.failed
    return {"out": out, "result": result}


@pytest.fixture(scope="session")
def full_build(tmp_path_factory):
    """Every document of the default data set (--allow-incomplete), built once for the session and shared
    by the tests that only read full outputs: {"out": Path, "result": BuildResult}. A test that changes
    data or outputs builds its own (or copies this one)."""
    return once_per_session(tmp_path_factory, "full-build", _build_everything)


@pytest.fixture(scope="session")
def built(full_build):
    """The notice of the session's full build: {"pdf": Path, "docx": Path, "result": …, "out": Path}."""
    result = full_build["result"]
    notice = [w.path for w in result.written if "/通知/" in w.path.as_posix()]
    pdf = next(p for p in notice if p.suffix == ".pdf")
    docx = next(p for p in notice if p.suffix == ".docx")
    return {"pdf": pdf, "docx": docx, "result": result, "out": full_build["out"]}


def _convert_in_two_batches(docx: list[Path], folder: Path) -> dict[Path, Path]:
    """LibreOffice's PDF of every DOCX: two LibreOffice processes (one per core) each convert half."""
    from concurrent.futures import ThreadPoolExecutor

    from reportgen.check.docx_checks import libreoffice_pdfs

    halves = [docx[0::2], docx[1::2]]
    with ThreadPoolExecutor(2) as pool:
        converted = list(pool.map(lambda i: libreoffice_pdfs(halves[i], folder / f"batch{i}"), range(2)))
    return {d: p for half, pdfs in zip(halves, converted) for d, p in zip(half, pdfs)}


@pytest.fixture(scope="session")
def full_build_in_libreoffice(full_build, tmp_path_factory):
    """LibreOffice's PDF of every DOCX of the session's full build (as `reportgen check` converts them,
    with the profile's font substitutes), made once for the session: {docx Path: pdf Path}."""
    docx = [w.path for w in full_build["result"].written if w.path.suffix == ".docx"]
    return once_per_session(tmp_path_factory, "full-build-libreoffice",
                            lambda folder: _convert_in_two_batches(docx, folder))


@pytest.fixture(scope="session")
def notice_lo_pdf(built, full_build_in_libreoffice):
    """LibreOffice's PDF of the session's notice DOCX (from the one conversion of the full build)."""
    return full_build_in_libreoffice[built["docx"]]


def _build_masthead_notice(folder: Path):
    data = folder / "plan"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("submissions"))
    with (data / "notice.yaml").open("a", encoding="utf-8") as f:
        f.write(MASTHEAD)
    result = build(data, folder / "out", kinds=("notice",))
    assert not result.failed, result.failed
    files = {w.path.suffix: w.path for w in result.written}
    from helpers import libreoffice_to_pdf

    return {"pdf": files[".pdf"], "docx": files[".docx"], "data": data,
            "lo": libreoffice_to_pdf(files[".docx"], folder / "libreoffice")}


@pytest.fixture(scope="session")
def masthead_notice(tmp_path_factory):
    """The notice with 版头 and 版记 (MASTHEAD), built once for the session, and LibreOffice's PDF of its
    DOCX: {"pdf", "docx", "lo": Path, "data": the plan folder (read only: copy it to change it)}."""
    return once_per_session(tmp_path_factory, "masthead-notice", _build_masthead_notice)


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
