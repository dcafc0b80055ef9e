"""The web application's background jobs and what they make: a job's progress page, one job per
project, a job left by a dead server, issuing a bulletin, the diff report and the 修订说明 of a city's
revision, a city's own downloads and the zip downloads."""

from __future__ import annotations

import datetime as dt
import io
import re
import threading
import warnings
import zipfile
from types import SimpleNamespace

import pytest

warnings.filterwarnings("ignore", category=DeprecationWarning)
from conftest import CHECKOUT  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from helpers import pdf_text  # noqa: E402
from sqlalchemy import select  # noqa: E402
from web_support import MONTH, add_standard_users, csrf_of, fill_form, login, make_project, stored_files  # noqa: E402

from reportgen.project import load_project  # noqa: E402
from reportgen.web import app as web_app  # noqa: E402
from reportgen.web.db import AuditEntry, Job  # noqa: E402
from reportgen.web.jobs import Outcome  # noqa: E402


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    folder = make_project(tmp_path_factory.mktemp("web-jobs"), keep_months=("2020-05", "2021-04", MONTH))
    add_standard_users(folder)
    yield folder
    CHECKOUT.activate()


@pytest.fixture(scope="module")
def blank(project):
    from reportgen.load.plan import load_plan
    from reportgen.writers.submission_form import write_form

    plan = load_plan(project / "data" / "jiangsu-2021")[0]
    target = project / "blank.xlsx"
    write_form(plan, MONTH, plan.units.find("南京市"), target)
    return target.read_bytes()


def signed_in(app, name: str) -> TestClient:
    client = TestClient(app)
    assert login(client, name).status_code == 303
    return client


def office_csrf(client) -> str:
    return csrf_of(client.get("/office").text)


def job_id(response) -> int:
    assert response.status_code == 303, response.text[:500]
    return int(re.fullmatch(r"/office/jobs/(\d+)", response.headers["location"]).group(1))


def audit_entries(app) -> list[AuditEntry]:
    with app.state.sessions() as db:
        return list(db.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_job_page_shows_progress_and_a_second_job_waits(project):
    """A bulletin build in the background: its page refreshes itself and shows how far it is; the
    office pages name it; another job is refused while it runs; the page then shows the outcome."""
    release = threading.Event()
    reached = threading.Event()

    def slow_build(data_dir, out_dir, profile=None, *, kinds=(), months=None, progress=None, **options):
        for n in range(3):
            progress(n, 3, SimpleNamespace(title=f"文件{n + 1}"), 0.0)
        reached.set()
        assert release.wait(30)
        return SimpleNamespace(written=[], unchanged=0, failed=[], held_back={}, skipped=[])

    app = web_app.create_app(load_project(project / "reportgen.yaml"), build=slow_build)
    client = signed_in(app, "office")
    first = job_id(client.post(f"/office/month/{MONTH}/bulletin", data={"csrf": office_csrf(client)},
                               follow_redirects=False))
    assert reached.wait(30)
    running = client.get(f"/office/jobs/{first}").text
    assert '<meta http-equiv="refresh" content="2">' in running and "进行中" in running
    assert "已完成 3/3（最近完成：文件3）" in running
    assert "正在进行：" in client.get("/office").text
    busy = client.post("/office/letters", data={"csrf": office_csrf(client)}, follow_redirects=False)
    assert busy.status_code == 409 and "另一项任务正在进行：生成2021年5月通报" in busy.text
    release.set()
    app.state.jobs.wait()
    done = client.get(f"/office/jobs/{first}").text
    assert "已完成</strong>：已按现行数据生成2021年5月通报" in done and 'http-equiv="refresh"' not in done
    assert f'href="/office/month/{MONTH}/bulletin"' in done
    assert "正在进行：" not in client.get("/office").text
    listed = client.get("/office/jobs").text
    assert "生成2021年5月通报" in listed and "已完成" in listed
    assert any(e.action == "job" and e.outcome.startswith("完成") for e in audit_entries(app))


def test_a_job_left_by_a_dead_server_does_not_block_the_project(project):
    app = web_app.create_app(load_project(project / "reportgen.yaml"))
    with app.state.sessions() as db:
        db.add(Job(kind="letters", title="生成全部目标责任书和附件数据", account="office", state="running", slot=1,
                   heartbeat=dt.datetime.now() - dt.timedelta(hours=1)))
        db.commit()
    job, started = app.state.jobs.start("office", "test", "测试任务", lambda progress: Outcome("完成"))
    app.state.jobs.wait()
    assert started
    with app.state.sessions() as db:
        old = db.scalar(select(Job).where(Job.kind == "letters"))
        assert old.state == "failed" and old.slot is None and "任务中断" in old.message
        assert db.get(Job, job.id).state == "done"


def test_a_failing_job_says_why(project):
    def broken_build(*args, **options):
        raise RuntimeError("boom")

    app = web_app.create_app(load_project(project / "reportgen.yaml"), build=broken_build)
    client = signed_in(app, "office")
    job = job_id(client.post(f"/office/month/{MONTH}/bulletin", data={"csrf": office_csrf(client)},
                             follow_redirects=False))
    app.state.jobs.wait()
    page = client.get(f"/office/jobs/{job}").text
    assert "未完成</strong>：失败：程序出错（RuntimeError）。请把服务器日志报告给开发人员。" in page
    assert "boom" not in page


def _upload(app, blank, pm25: str):
    client = signed_in(app, "nanjing")
    csrf = csrf_of(client.get(f"/city/南京市/{MONTH}").text)
    response = client.post(f"/city/南京市/{MONTH}/upload", data={"csrf": csrf, "city": "南京市"},
                           files={"file": ("form.xlsx", fill_form(blank, pm25=pm25))})
    assert response.status_code == 200 and "已保存为第" in response.text, response.text[:500]


def test_diff_report_and_revision_note_of_a_citys_revision(project, blank):
    app = web_app.create_app(load_project(project / "reportgen.yaml"), today=lambda: dt.date(2021, 6, 20))
    _upload(app, blank, "18.4")
    _upload(app, blank, "61.5")
    revisions = sorted(int(p.name[1:3]) for p in stored_files(project) if p.parent.name == "南京市")
    client = signed_in(app, "office")
    month_page = client.get(f"/office/month/{MONTH}").text
    assert f"比较第{revisions[-2]}版与第{revisions[-1]}版" in month_page
    job = job_id(client.post(f"/office/month/{MONTH}/diff/南京市", data={"csrf": office_csrf(client)},
                             follow_redirects=False))
    app.state.jobs.wait()
    page = client.get(f"/office/jobs/{job}").text
    assert "已完成" in page, page[:2000]
    changes = re.search(r'<table id="diff-changes">(.*?)</table>', page, re.S).group(1)
    assert re.search(r"<td>南京市</td><td>PM2\.5浓度[^<]*</td><td class=\"num\">18\.4</td><td class=\"num\">61\.5</td>",
                     changes), changes[:1500]
    assert "<td>江宁区</td>" in changes
    assert re.search(r"<table id=\"diff-ranks\">.*?第\d+名</td><td>第\d+名", page, re.S), re.sub(r"\s+", " ", page[page.index("随之变化的排名"):][:1500])
    assert "2021年5月" in page and "通报" in re.search(r'<ul id="diff-documents">(.*?)</ul>', page, re.S).group(1)
    # the 修订说明 from the same page
    note = job_id(client.post(f"/office/month/{MONTH}/revision-note/南京市",
                              data={"csrf": office_csrf(client), "old": str(revisions[-2]), "new": str(revisions[-1]),
                                    "date": "2021-06-20"}, follow_redirects=False))
    app.state.jobs.wait()
    done = client.get(f"/office/jobs/{note}").text
    link = re.search(r'<a href="(/office/files/[^"]+)" id="job-result">', done).group(1)
    pdf = client.get(link)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    target = project / "note.pdf"
    target.write_bytes(pdf.content)
    text = re.sub(r"\s+", "", pdf_text(target))
    assert "数据修订情况的说明" in text and "61.5" in text
    assert f"对南京市{dt.date.today().year}年" in text and f"报送的第{revisions[-2]}版数据作了修订" in text
    assert "修订后为南京市" in text and f"第{revisions[-1]}版数据" in text


def test_issuing_on_the_web_and_the_citys_downloads(project, blank):
    app = web_app.create_app(load_project(project / "reportgen.yaml"))
    office = signed_in(app, "office")
    today = dt.date.today()
    # a 文号 that cannot be right is refused on the form itself, before any job starts
    bad = office.post(f"/office/month/{MONTH}/issue", data={"csrf": office_csrf(office), "number": "苏大气办2021第5号",
                                                             "date": today.isoformat()}, follow_redirects=False)
    assert bad.status_code == 422 and "文号“苏大气办2021第5号”格式不对" in bad.text and "未印发" in bad.text
    # a date the data contradicts is found by the job (it reads the data)
    early = job_id(office.post(f"/office/month/{MONTH}/issue", data={"csrf": office_csrf(office),
                                                                      "number": "苏大气办〔2021〕104号",
                                                                      "date": "2021-06-01"}, follow_redirects=False))
    app.state.jobs.wait()
    assert "未印发：" in office.get(f"/office/jobs/{early}").text
    number = f"苏大气办〔{today.year}〕105号"
    good = job_id(office.post(f"/office/month/{MONTH}/issue", data={"csrf": office_csrf(office), "number": number,
                                                                     "date": today.isoformat()}, follow_redirects=False))
    app.state.jobs.wait()
    assert f"已印发《关于2021年5月全省环境空气质量状况的通报》（{number}" in office.get(f"/office/jobs/{good}").text
    month_page = office.get(f"/office/month/{MONTH}").text
    assert "本月通报已印发" in month_page and number in month_page and 'id="issue-form"' not in month_page
    # a city revising the month after the issue is told the issued bulletin stays as it is
    nanjing = signed_in(app, "nanjing")
    csrf = csrf_of(nanjing.get(f"/city/南京市/{MONTH}").text)
    page = nanjing.post(f"/city/南京市/{MONTH}/upload", data={"csrf": csrf, "city": "南京市"},
                        files={"file": ("form.xlsx", fill_form(blank, pm25="33.3"))}).text
    assert f"本月通报已印发</strong>（{number}" in page and "已印发的通报不会改动" in page
    assert "印发后收到的新数据：南京市第" in office.get(f"/office/month/{MONTH}").text
    again = office.post(f"/office/month/{MONTH}/issue", data={"csrf": office_csrf(office),
                                                               "number": f"苏大气办〔{today.year}〕106号",
                                                               "date": today.isoformat()}, follow_redirects=False)
    assert again.status_code == 409 and "2021年5月的通报已于" in again.text and "同一月份只能印发一次" in again.text

    # a city sees the issued bulletin and its own letters, not another city's
    out = project / "output" / "2021"
    for rel in ("目标责任书/南京市.pdf", "目标责任书/江宁区.pdf", "附件数据/南京市.xlsx", "目标责任书/苏州市.pdf"):
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(b"%PDF-1.7 test " + rel.encode())
    city = signed_in(app, "nanjing")
    listing = city.get("/city/南京市/files").text
    for name in ("南京市.pdf", "江宁区.pdf", "南京市.xlsx", "关于2021年5月全省环境空气质量状况的通报.pdf"):
        assert name in listing, name
    assert "苏州市.pdf" not in listing
    issued = re.search(r'href="(/city/[^"]+)">[^<]*通报\.pdf</a>', listing).group(1)
    pdf = city.get(issued)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    (project / "issued.pdf").write_bytes(pdf.content)
    assert number in pdf_text(project / "issued.pdf").replace(" ", "")
    refused = city.get("/city/南京市/files/2021/目标责任书/苏州市.pdf")
    assert refused.status_code == 404 and not refused.content.startswith(b"%PDF")
    assert audit_entries(app)[-1].outcome.startswith("拒绝")
    assert city.get("/city/苏州市/files").status_code == 403
    packed = city.get("/city/南京市/files.zip")
    names = zipfile.ZipFile(io.BytesIO(packed.content)).namelist()
    assert "2021/目标责任书/南京市.pdf" in names and "2021/目标责任书/江宁区.pdf" in names
    assert not any("苏州市" in n for n in names) and any(n.endswith("通报.pdf") for n in names)

    # the office's zip of one folder holds that folder only
    packed = office.get("/office/files.zip", params={"folder": "2021/目标责任书"})
    names = zipfile.ZipFile(io.BytesIO(packed.content)).namelist()
    assert sorted(names) == ["2021/目标责任书/南京市.pdf", "2021/目标责任书/江宁区.pdf", "2021/目标责任书/苏州市.pdf"]
    assert office.get("/office/files.zip", params={"folder": "../data"}).status_code == 404
    assert any(e.action == "download" and "打包下载 2021/目标责任书（3个文件）" in e.object for e in audit_entries(app))


def test_reminders_for_the_cities_that_have_not_sent(project):
    import shutil

    may = project / "data" / "jiangsu-2021" / "submissions" / MONTH
    shutil.move(may / "宿迁市", project / "宿迁市-aside")
    try:
        app = web_app.create_app(load_project(project / "reportgen.yaml"), today=lambda: dt.date(2021, 6, 15))
        office = signed_in(app, "office")
        page = office.get(f"/office/month/{MONTH}").text
        assert "为逾期未报的1个设区市（宿迁市）各生成一份催报通知" in page
        job = job_id(office.post(f"/office/month/{MONTH}/remind", data={"csrf": office_csrf(office)},
                                 follow_redirects=False))
        app.state.jobs.wait()
        done = office.get(f"/office/jobs/{job}").text
        assert "已为1个逾期未报的设区市各生成一份催报通知（PDF、DOCX，日期2021年6月15日）：宿迁市。" in done
        listed = office.get("/office/files", params={"folder": "2021/催报通知"}).text
        assert "2021/催报通知/2021-05 宿迁市-20210615.pdf" in listed
        pdf = project / "output" / "2021" / "催报通知" / "2021-05 宿迁市-20210615.pdf"
        assert "截至2021年6月15日，我办尚未收到。" in re.sub(r"\s+", "", pdf_text(pdf))
        # before the due day there is nothing to remind of: no such section on the page
        early = web_app.create_app(load_project(project / "reportgen.yaml"), today=lambda: dt.date(2021, 6, 5))
        page = signed_in(early, "office").get(f"/office/month/{MONTH}").text
        assert "宿迁市" in page and 'id="remind"' not in page
    finally:
        shutil.move(project / "宿迁市-aside", may / "宿迁市")


def test_an_upload_that_leaves_out_what_the_last_revision_gave_is_flagged(project, blank):
    """The sample revision of 南京市 gives PM10 and the project counts; a form with only PM2.5 and the days
    is stored, and the page names what it left empty. A form giving days instead of the typed rate does
    not count as leaving the rate out."""
    app = web_app.create_app(load_project(project / "reportgen.yaml"))
    client = signed_in(app, "nanjing")
    sample = sorted((CHECKOUT.root / "data" / "jiangsu-2021" / "submissions" / MONTH / "南京市").glob("r*"))[-1]
    csrf = csrf_of(client.get(f"/city/南京市/{MONTH}").text)
    page = client.post(f"/city/南京市/{MONTH}/upload", data={"csrf": csrf, "city": "南京市"},
                       files={"file": ("full.xlsx", sample.read_bytes())}).text
    assert "已保存为第" in page or "是同一个文件" in page
    csrf = csrf_of(client.get(f"/city/南京市/{MONTH}").text)
    page = client.post(f"/city/南京市/{MONTH}/upload", data={"csrf": csrf, "city": "南京市"},
                       files={"file": ("form.xlsx", fill_form(blank, pm25="30.1"))}).text
    assert "已保存为第" in page and "请核对是否漏填" in page
    emptied = re.search(r'<div class="warning" id="emptied">(.*?)</div>', page, re.S).group(1)
    assert "南京市 PM10浓度" in emptied and "南京市 VOCs综合治理项目" in emptied
    assert "优良天数比率" not in emptied and "PM2.5浓度" not in emptied
    # the same form again, as a new file: nothing more is left out
    csrf = csrf_of(client.get(f"/city/南京市/{MONTH}").text)
    page = client.post(f"/city/南京市/{MONTH}/upload", data={"csrf": csrf, "city": "南京市"},
                       files={"file": ("form.xlsx", fill_form(blank, pm25="30.2"))}).text
    assert "已保存为第" in page and "请核对是否漏填" not in page


def test_the_web_build_runs_in_a_child_process_and_says_why_it_failed(tmp_path):
    """build_in_child: the real build in a forked process (the server's threads keep answering), its
    progress relayed, its files written; a failure comes back in the office's words."""
    import os
    import shutil
    from pathlib import Path

    from reportgen.resources import EXAMPLES_DIR
    from reportgen.web.build_process import BuildFailed, build_in_child

    data = tmp_path / "data"
    shutil.copytree(EXAMPLES_DIR / "jiangsu-2021", data, ignore=shutil.ignore_patterns("submissions"))
    months = sorted(p.name for p in (EXAMPLES_DIR / "jiangsu-2021" / "submissions").iterdir() if p.name >= "2020-05")[:13]
    for m in months:
        shutil.copytree(EXAMPLES_DIR / "jiangsu-2021" / "submissions" / m, data / "submissions" / m)
    seen = []
    result = build_in_child(data, tmp_path / "out", None, lambda done, total, title: seen.append((done, total, title, os.getpid())),
                            kinds=("bulletins",), months=["2021-05"])
    assert [w.rsplit(".", 1)[1] for w in sorted(result.written)] == ["docx", "html", "pdf"]
    assert "2021年5月" in pdf_text(next(Path(w) for w in result.written if w.endswith(".pdf")))
    assert seen and seen[-1][:2] == (1, 1) and "2021年5月" in seen[-1][2]

    (data / "units.csv").write_text("code,name\n", encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        build_in_child(data, tmp_path / "out", None, kinds=("bulletins",), months=["2021-05"])
    assert failed.value.explained and failed.value.explained.startswith("数据有错误，未完成") and "units.csv" in failed.value.explained
