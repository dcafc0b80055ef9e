"""The web application's security, server side: every route as each role and anonymously, tampering
with the city, CSRF, upload size, login throttling, escaping, and the audit log."""

from __future__ import annotations

import asyncio
import re
import warnings
from pathlib import Path

import pytest

warnings.filterwarnings("ignore", category=DeprecationWarning)
from conftest import CHECKOUT  # noqa: E402
from fastapi.routing import APIRoute  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import select  # noqa: E402
from web_support import MONTH, add_standard_users, csrf_of, fill_form, login, make_project, stored_files  # noqa: E402

from reportgen.project import load_project  # noqa: E402
from reportgen.web import app as web_app  # noqa: E402
from reportgen.web.db import AuditEntry  # noqa: E402

# Who may call each route. A route added to the app without a line here fails
# test_every_route_has_a_rule: decide its rule, then add it.
RULES = {
    ("GET", "/static/style.css"): "public",
    ("GET", "/"): "public",
    ("GET", "/login"): "public",
    ("POST", "/login"): "public",
    ("POST", "/logout"): "any",
    ("GET", "/city"): "city",
    ("GET", "/city/{city}/{month}"): "city",
    ("GET", "/city/{city}/{month}/form.xlsx"): "city",
    ("POST", "/city/{city}/{month}/upload"): "city",
    ("GET", "/office"): "office",
    ("GET", "/office/month/{month}"): "office",
    ("POST", "/office/month/{month}/bulletin"): "office",
    ("GET", "/office/month/{month}/bulletin"): "office",
    ("GET", "/office/files"): "office",
    ("GET", "/office/files/{path:path}"): "office",
    ("GET", "/office/files.zip"): "office",
    ("GET", "/office/jobs"): "office",
    ("GET", "/office/jobs/{job_id}"): "office",
    ("POST", "/office/letters"): "office",
    ("POST", "/office/month/{month}/issue"): "office",
    ("POST", "/office/month/{month}/remind"): "office",
    ("POST", "/office/month/{month}/diff/{city}"): "office",
    ("POST", "/office/month/{month}/revision-note/{city}"): "office",
    ("GET", "/city/{city}/files"): "city",
    ("GET", "/city/{city}/files.zip"): "city",
    ("GET", "/city/{city}/files/{path:path}"): "city",
}
BULLETIN = f"2021/通报/{MONTH} 测试通报.html"
LETTER = "2021/目标责任书/南京市.pdf"


def write_fake_bulletin(out_dir):
    target = Path(out_dir) / BULLETIN
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("<html><body>通报</body></html>", encoding="utf-8")


def fake_build(data_dir, out_dir, profile=None, *, kinds=(), months=None, progress=None, jobs=None, **options):
    """Stands in for reportgen.build.build in the web's jobs: writes a bulletin page, nothing else."""
    from types import SimpleNamespace

    if "bulletins" in kinds:
        write_fake_bulletin(out_dir)
    return SimpleNamespace(written=[], unchanged=0, failed=[], held_back={}, skipped=[])


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    folder = make_project(tmp_path_factory.mktemp("web-project"))
    add_standard_users(folder)
    write_fake_bulletin(folder / "output")
    (folder / "output" / "notes.txt").write_text("not a document", encoding="utf-8")
    for rel in (LETTER, "2021/目标责任书/苏州市.pdf"):
        (folder / "output" / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / "output" / rel).write_bytes(b"%PDF-1.7 test")
    yield folder
    CHECKOUT.activate()   # create_app put the temporary project's fonts and templates in force


@pytest.fixture(scope="module")
def blank(project):
    from reportgen.load.plan import load_plan
    from reportgen.writers.submission_form import write_form

    plan = load_plan(project / "data" / "jiangsu-2021")[0]
    target = project / "blank.xlsx"
    write_form(plan, MONTH, plan.units.find("南京市"), target)
    return target.read_bytes()


def make_app(project, **options):
    return web_app.create_app(load_project(project / "reportgen.yaml"), build=fake_build, **options)


@pytest.fixture(scope="module")
def app(project):
    from reportgen.web.jobs import Outcome

    app = make_app(project)
    app.state.jobs.start("office", "test", "测试任务", lambda progress: Outcome("完成"))   # job 1
    app.state.jobs.wait()
    return app


def client_as(app, role: str | None) -> TestClient:
    client = TestClient(app)
    if role is not None:
        assert login(client, {"city": "nanjing", "office": "office"}[role]).status_code == 303
    return client


def audit_entries(app) -> list[AuditEntry]:
    with app.state.sessions() as db:
        return list(db.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_every_route_has_a_rule(app):
    routes = {(m, r.path) for r in app.routes if isinstance(r, APIRoute) for m in r.methods if m != "HEAD"}
    assert routes - RULES.keys() == set(), "routes without an access rule in RULES"
    assert RULES.keys() - routes == set(), "rules of routes that no longer exist"
    assert {k: v for k, v in web_app.ACCESS.items() if k in routes} == RULES, "the app's declared rules differ"


def _two_revisions(app, blank):
    """Nanjing has at least two revisions of MONTH (for the diff and revision-note routes)."""
    client = client_as(app, "city")
    for pm25 in ("41.3", "42.7"):
        csrf = csrf_of(client.get(f"/city/南京市/{MONTH}").text)
        client.post(f"/city/南京市/{MONTH}/upload", data={"csrf": csrf, "city": "南京市"},
                    files={"file": ("form.xlsx", fill_form(blank, pm25=pm25))})


def _call(client: TestClient, method: str, path: str, role: str | None, blank: bytes):
    url = (path.replace("{city}", "南京市").replace("{month}", MONTH).replace("{job_id}", "1")
           .replace("{path:path}", LETTER if path.startswith("/city") else BULLETIN))
    if method == "GET":
        return client.get(url, follow_redirects=False)
    csrf = csrf_of(client.get("/city" if role == "city" and path != "/login" else
                              "/office" if role == "office" and path != "/login" else "/login").text)
    data = {"csrf": csrf}
    files = None
    if path == "/login":
        data.update(name="office", password="office-pass-123")
    if path.endswith("/upload"):
        data["city"] = "南京市"
        files = {"file": ("form.xlsx", fill_form(blank))}
    if path.endswith("/issue"):
        data.update(number="苏大气办〔2021〕7号", date="2021-06-20")   # refused in the job (the data is later)
    if "/diff/" in path or "/revision-note/" in path:
        _two_revisions(client.app, blank)
        revisions = sorted(int(p.name[1:3]) for p in stored_files(Path(client.app.state.data_dir).parents[1])
                           if p.parent.name == "南京市")
        data.update(old=str(revisions[-2]), new=str(revisions[-1]))
    response = client.post(url, data=data, files=files, follow_redirects=False)
    client.app.state.jobs.wait()
    return response


@pytest.mark.parametrize("role", [None, "city", "office"])
@pytest.mark.parametrize("method,path", sorted(RULES))
def test_only_allowed_roles_answer(app, project, blank, role, method, path):
    rule = RULES[(method, path)]
    client = client_as(app, role)
    response = _call(client, method, path, role, blank)
    allowed = rule == "public" or (rule == "any" and role) or rule == role
    redirected_to_login = response.status_code == 303 and response.headers["location"].endswith("/login")
    if allowed:
        assert response.status_code < 400 and not (redirected_to_login and rule in ("city", "office")), \
            (response.status_code, response.text[:300])
    else:
        assert response.status_code in (401, 403) or (method == "GET" and redirected_to_login), response.status_code
        assert response.status_code not in (200, 201)
    if path.endswith("/upload") and allowed:
        assert "已保存为第" in response.text


@pytest.mark.parametrize("how", ["url", "form", "download", "page"])
def test_city_tampering_is_refused_and_logged(app, project, blank, how):
    client = client_as(app, "city")
    csrf = csrf_of(client.get(f"/city/南京市/{MONTH}").text)
    before = {p.name for p in stored_files(project)}
    data = fill_form(blank)
    if how == "url":
        response = client.post(f"/city/苏州市/{MONTH}/upload", data={"csrf": csrf, "city": "南京市"},
                               files={"file": ("f.xlsx", data)})
    elif how == "form":
        response = client.post(f"/city/南京市/{MONTH}/upload", data={"csrf": csrf, "city": "苏州市"},
                               files={"file": ("f.xlsx", data)})
    elif how == "download":
        response = client.get(f"/city/苏州市/{MONTH}/form.xlsx")
    else:
        response = client.get(f"/city/苏州市/{MONTH}")
    assert response.status_code == 403
    assert "无权访问苏州市的数据" in response.text
    assert {p.name for p in stored_files(project)} == before
    last = audit_entries(app)[-1]
    assert (last.account, last.action) == ("nanjing", "refused") and "苏州市" in last.object


def test_post_without_csrf_is_refused(app, project, blank):
    client = client_as(app, "city")
    before = stored_files(project)
    for data in ({"city": "南京市"}, {"city": "南京市", "csrf": "forged"}):
        response = client.post(f"/city/南京市/{MONTH}/upload", data=data, files={"file": ("f.xlsx", fill_form(blank))})
        assert response.status_code == 403 and "表单" in response.text
    assert stored_files(project) == before
    assert client.post("/logout", data={}).status_code == 403
    assert client.get("/city").status_code == 200          # still logged in
    anonymous = TestClient(app)
    anonymous.get("/login")
    assert anonymous.post("/login", data={"name": "office", "password": "office-pass-123"}).status_code == 403
    assert audit_entries(app)[-1].outcome.startswith("缺少或错误的表单令牌")


def test_oversized_upload_is_refused_with_413(project, blank):
    app = make_app(project, max_upload_bytes=64 * 1024)
    client = client_as(app, "city")
    csrf = csrf_of(client.get(f"/city/南京市/{MONTH}").text)
    before = stored_files(project)
    big = fill_form(blank) + b"\0" * (256 * 1024)
    response = client.post(f"/city/南京市/{MONTH}/upload", data={"csrf": csrf, "city": "南京市"},
                           files={"file": ("big.xlsx", big)})
    assert response.status_code == 413 and "过大" in response.text
    assert stored_files(project) == before
    assert any(e.action == "upload" and "413" in e.outcome for e in audit_entries(app))


def test_oversized_body_without_length_is_not_read_to_the_end(project):
    """Chunked (no Content-Length): the app stops reading once the limit is passed."""
    app = make_app(project, max_upload_bytes=64 * 1024)
    head = (b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.xlsx"\r\n'
            b"Content-Type: application/octet-stream\r\n\r\n")
    chunks = [head] + [b"x" * 16 * 1024] * 200       # 3.2 MB
    pulled = 0
    sent = []

    async def receive():
        nonlocal pulled
        pulled += 1
        if pulled > len(chunks):
            return {"type": "http.disconnect"}
        return {"type": "http.request", "body": chunks[pulled - 1], "more_body": pulled < len(chunks)}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": f"/city/南京市/{MONTH}/upload", "raw_path": f"/city/南京市/{MONTH}/upload".encode(),
             "query_string": b"", "root_path": "", "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
             "headers": [(b"content-type", b"multipart/form-data; boundary=xyz"), (b"host", b"testserver")]}
    asyncio.run(app(scope, receive, send))
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 413
    assert pulled < 10, f"read {pulled} of {len(chunks)} chunks"


def test_login_is_throttled_after_repeated_failures(project):
    app = make_app(project)
    client = TestClient(app)
    for _ in range(5):
        assert login(client, "suzhou", "wrong-password-1").status_code == 401
    response = login(client, "suzhou")          # the right password, too late
    assert response.status_code == 429 and "登录失败次数过多" in response.text
    assert client.get("/city", follow_redirects=False).status_code == 303
    assert audit_entries(app)[-1].outcome.startswith("拒绝")
    assert login(TestClient(app), "nanjing").status_code == 303   # other accounts are not affected


def test_script_in_data_and_file_name_is_escaped(app, project, blank):
    client = client_as(app, "city")
    csrf = csrf_of(client.get(f"/city/南京市/{MONTH}").text)
    script = '<script>alert("x")</script>'
    response = client.post(f"/city/南京市/{MONTH}/upload", data={"csrf": csrf, "city": "南京市"},
                           files={"file": ('<img src=x onerror=alert(1)>.xlsx', fill_form(blank, remark=script))})
    assert response.status_code == 200 and "已保存为第" in response.text
    assert script not in response.text and "<img src=x" not in response.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in response.text
    assert "script-src 'none'" in response.headers["content-security-policy"]
    # an error message quoting what was typed is escaped too
    bad = fill_form(blank, bad_city_pm25="<b>35</b>")
    response = client.post(f"/city/南京市/{MONTH}/upload", data={"csrf": csrf, "city": "南京市"},
                           files={"file": ("bad.xlsx", bad)})
    assert response.status_code == 422 and "<b>35</b>" not in response.text and "&lt;b&gt;35&lt;/b&gt;" in response.text


def test_session_cookie_flags_and_audit_of_uploads_and_downloads(app, project, blank):
    client = TestClient(app)
    response = login(client, "office")
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith("rg_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    value = cookie.split(";")[0].split("=", 1)[1]
    assert "." in value    # signed (itsdangerous), not the bare session token
    forged = TestClient(app)
    forged.cookies.set("rg_session", value[:-2] + "xx")
    assert forged.get("/office", follow_redirects=False).status_code == 303
    assert client.get("/office/files/" + BULLETIN).status_code == 200
    assert client.get("/office/files/notes.txt").status_code == 404          # not a document: not listed
    assert client.get("/office/files/../reportgen.yaml").status_code == 404
    assert client.get("/office/files/%2e%2e/reportgen-web.sqlite3").status_code == 404
    actions = [(e.account, e.action, e.outcome) for e in audit_entries(app)]
    assert ("office", "download", "成功") in actions
    assert any(tuple(a) == ("nanjing", "upload") and o.startswith("已保存") for *a, o in actions)


def test_dashboard_shows_the_citys_revision(app, project, blank):
    client = client_as(app, "office")
    page = client.get(f"/office/month/{MONTH}").text
    row = re.search(r"<tr>\s*<td>南京市</td>(.*?)</tr>", page, re.S).group(1)
    n = len([p for p in stored_files(project) if p.parent.name == "南京市"])
    assert "已报送" in row and f"第{n}版" in row
    assert re.search(r"<tr>\s*<td>苏州市</td>(.*?)</tr>", page, re.S).group(1).count("未报") == 1


# -- the command line: accounts and serve -----------------------------------------------------------

def _users(project, *args, input=None):
    from click.testing import CliRunner

    from reportgen.cli import main

    return CliRunner().invoke(main, ["--project", str(project), "users", *args], input=input)


def test_users_add_refuses_bad_accounts_and_lists_without_passwords(project):
    for args, stdin, said in [
        (["add", "x1", "--role", "city", "--password-stdin"], "long-enough-pass\n", "须用 --city 指明设区市"),
        (["add", "x2", "--role", "city", "--city", "上海市", "--password-stdin"], "long-enough-pass\n", "须用 --city"),
        (["add", "x3", "--role", "office", "--password-stdin"], "short\n", "密码太短"),
        (["add", "x4", "--role", "office", "--city", "南京市", "--password-stdin"], "long-enough-pass\n", "不要写 --city"),
        (["add", "nanjing", "--role", "city", "--city", "南京市", "--password-stdin"], "long-enough-pass\n", "已存在"),
        (["add", "<b>", "--role", "office", "--password-stdin"], "long-enough-pass\n", "不符合要求"),
        (["add", "x5", "--role", "office"], "long-enough-pass\nother-long-pass\n", "两次输入不一致"),
    ]:
        result = _users(project, *args, input=stdin)
        assert result.exit_code != 0 and said in result.output, (args, result.output)
    assert _users(project, "add", "wuxi", "--role", "city", "--city", "无锡", input="wuxi-pass-1234\nwuxi-pass-1234\n").exit_code == 0
    listed = _users(project, "list")
    assert listed.exit_code == 0 and "wuxi  无锡市填报员" in listed.output and "office  省大气办" in listed.output
    assert "wuxi-pass" not in listed.output and "argon2" not in listed.output
    assert "x1" not in listed.output and "x5" not in listed.output


def test_serve_command_serves_the_project(project):
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "reportgen", "--project", str(project), "serve", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as response:
                    page = response.read().decode("utf-8")
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, process.stdout.read().decode()
                time.sleep(0.2)
        assert "登录" in page and 'name="csrf"' in page
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0].decode("utf-8")
    assert f"http://127.0.0.1:{port}/" in output


def test_unknown_pages_and_bad_forms_answer_in_chinese(app, blank):
    client = client_as(app, "city")
    missing = client.get("/city/南京市")
    assert missing.status_code == 404 and "没有这个页面" in missing.text and '"detail"' not in missing.text
    wrong_method = client.get(f"/city/南京市/{MONTH}/upload")
    assert wrong_method.status_code == 405 and "不能这样访问这个页面" in wrong_method.text
    csrf = csrf_of(client.get(f"/city/南京市/{MONTH}").text)
    no_city = client.post(f"/city/南京市/{MONTH}/upload", data={"csrf": csrf}, files={"file": ("f.xlsx", fill_form(blank))})
    assert no_city.status_code == 403 and "表单缺少设区市" in no_city.text
    office = client_as(app, "office")
    csrf = csrf_of(office.get("/office").text)
    incomplete = office.post(f"/office/month/{MONTH}/revision-note/南京市", data={"csrf": csrf})
    assert incomplete.status_code == 422 and "表单内容不完整" in incomplete.text and '"detail"' not in incomplete.text
