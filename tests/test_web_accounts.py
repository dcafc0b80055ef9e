"""The web application's database versions (migrations), disabling accounts and resetting passwords
from the command line, the Origin check, and the configurable due day."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import warnings

import pytest

warnings.filterwarnings("ignore", category=DeprecationWarning)
from click.testing import CliRunner  # noqa: E402
from conftest import CHECKOUT  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import select  # noqa: E402
from web_support import MONTH, PASSWORDS, add_standard_users, csrf_of, login, make_project  # noqa: E402

from reportgen.cli import main  # noqa: E402
from reportgen.project import load_project  # noqa: E402
from reportgen.web import app as web_app  # noqa: E402
from reportgen.web import db as web_db  # noqa: E402
from reportgen.web.db import AuditEntry  # noqa: E402

# the tables as the first version of the web application made them (no schema_version table)
VERSION_1 = """
CREATE TABLE accounts (id INTEGER NOT NULL, name VARCHAR(64) NOT NULL, role VARCHAR(16) NOT NULL, city VARCHAR(64),
    password_hash VARCHAR(255) NOT NULL, created DATETIME NOT NULL, PRIMARY KEY (id), UNIQUE (name));
CREATE TABLE audit_log (id INTEGER NOT NULL, time DATETIME NOT NULL, account VARCHAR(64), action VARCHAR(32) NOT NULL,
    object TEXT NOT NULL, outcome TEXT NOT NULL, PRIMARY KEY (id));
CREATE TABLE login_attempts (id INTEGER NOT NULL, name VARCHAR(64) NOT NULL, time DATETIME NOT NULL,
    success INTEGER NOT NULL, address VARCHAR(64) NOT NULL, PRIMARY KEY (id));
CREATE INDEX ix_login_attempts_name ON login_attempts (name);
CREATE INDEX ix_login_attempts_time ON login_attempts (time);
CREATE TABLE settings ("key" VARCHAR(64) NOT NULL, value TEXT NOT NULL, PRIMARY KEY ("key"));
CREATE TABLE sessions (token VARCHAR(64) NOT NULL, account_id INTEGER NOT NULL, csrf VARCHAR(64) NOT NULL,
    created DATETIME NOT NULL, expires DATETIME NOT NULL, PRIMARY KEY (token), FOREIGN KEY(account_id) REFERENCES accounts (id));
INSERT INTO accounts VALUES (1, 'office', 'office', NULL, 'argon2-hash-kept', '2026-01-05 09:00:00');
INSERT INTO accounts VALUES (2, 'nanjing', 'city', '南京市', 'argon2-hash-2', '2026-01-05 09:01:00');
INSERT INTO audit_log VALUES (1, '2026-01-05 09:02:00', 'office', 'login', '127.0.0.1', '成功');
INSERT INTO settings VALUES ('secret', 'kept-secret');
INSERT INTO sessions VALUES ('tok', 2, 'csrf', '2026-01-05 09:03:00', '2026-01-05 21:03:00');
"""


def _columns(file, table):
    with sqlite3.connect(file) as c:
        return [r[1] for r in c.execute(f"PRAGMA table_info({table})")]


def _version(file):
    with sqlite3.connect(file) as c:
        return c.execute("SELECT version FROM schema_version").fetchall()


def test_a_version_1_database_is_upgraded_and_keeps_its_rows(tmp_path):
    file = tmp_path / "old.sqlite3"
    with sqlite3.connect(file) as c:
        c.executescript(VERSION_1)
    sessions = web_db.open_database(f"sqlite:///{file}")
    assert "disabled" in _columns(file, "accounts")
    assert _version(file) == [(web_db.SCHEMA_VERSION,)]
    with sessions() as db:
        accounts = list(db.scalars(select(web_db.Account).order_by(web_db.Account.id)))
        assert [(a.name, a.city, a.password_hash, a.disabled) for a in accounts] == [
            ("office", None, "argon2-hash-kept", 0), ("nanjing", "南京市", "argon2-hash-2", 0)]
        assert db.get(web_db.Setting, "secret").value == "kept-secret"
        assert db.get(web_db.WebSession, "tok").account_id == 2
        assert [e.outcome for e in db.scalars(select(AuditEntry))] == ["成功"]
    # opened again: nothing to do, nothing changes
    with sqlite3.connect(file) as c:
        schema = c.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    assert web_db.migrate(web_db.create_engine(f"sqlite:///{file}")) == (web_db.SCHEMA_VERSION, web_db.SCHEMA_VERSION)
    web_db.open_database(f"sqlite:///{file}")
    with sqlite3.connect(file) as c:
        assert c.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == schema
    assert _version(file) == [(web_db.SCHEMA_VERSION,)]


def test_a_new_database_starts_at_the_current_version(tmp_path):
    file = tmp_path / "new.sqlite3"
    assert web_db.migrate(web_db.create_engine(f"sqlite:///{file}")) == (0, web_db.SCHEMA_VERSION)
    assert "disabled" in _columns(file, "accounts") and _version(file) == [(web_db.SCHEMA_VERSION,)]
    assert web_db.migrate(web_db.create_engine(f"sqlite:///{file}")) == (web_db.SCHEMA_VERSION,) * 2


def test_a_failing_step_leaves_the_database_as_it_was(tmp_path, monkeypatch):
    file = tmp_path / "old.sqlite3"
    with sqlite3.connect(file) as c:
        c.executescript(VERSION_1)

    def broken(connection):
        connection.exec_driver_sql("ALTER TABLE accounts ADD COLUMN extra INTEGER DEFAULT 0 NOT NULL")
        raise RuntimeError("step 3 failed")

    monkeypatch.setitem(web_db.MIGRATIONS, 3, broken)
    monkeypatch.setattr(web_db, "SCHEMA_VERSION", 3)
    with pytest.raises(RuntimeError):
        web_db.open_database(f"sqlite:///{file}")
    assert _columns(file, "accounts")[-1] == "created"          # step 2's column rolled back with step 3's
    with sqlite3.connect(file) as c:
        assert c.execute("SELECT name FROM sqlite_master WHERE name='schema_version'").fetchall() == []


def test_two_processes_starting_at_once_migrate_once(tmp_path):
    """BEGIN IMMEDIATE: the second waits for the first's transaction, then finds the work done."""
    import threading

    file = tmp_path / "old.sqlite3"
    with sqlite3.connect(file) as c:
        c.executescript(VERSION_1)
    seen, errors = [], []

    def start():
        engine = web_db.create_engine(f"sqlite:///{file}", connect_args={"timeout": 30})
        web_db._sqlite_transactions(engine)
        try:
            seen.append(web_db.migrate(engine))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(seen) == [(1, web_db.SCHEMA_VERSION)] + [(web_db.SCHEMA_VERSION,) * 2] * 3
    assert _columns(file, "accounts").count("disabled") == 1 and _version(file) == [(web_db.SCHEMA_VERSION,)]


def test_a_database_of_a_newer_version_is_refused(tmp_path):
    file = tmp_path / "newer.sqlite3"
    web_db.open_database(f"sqlite:///{file}")
    with sqlite3.connect(file) as c:
        c.execute("UPDATE schema_version SET version = ?", (web_db.SCHEMA_VERSION + 1,))
    with pytest.raises(web_db.SchemaTooNew) as refused:
        web_db.open_database(f"sqlite:///{file}")
    assert f"结构版本为{web_db.SCHEMA_VERSION + 1}" in str(refused.value) and "较新版本的 reportgen" in str(refused.value)
    assert _version(file) == [(web_db.SCHEMA_VERSION + 1,)]
    # the command line says so and exits 2
    project = make_project(tmp_path / "p")
    result = CliRunner().invoke(main, ["--project", str(project), "users", "list", "--database", f"sqlite:///{file}"])
    assert result.exit_code == 2 and "[错误]" in result.output and "较新版本的 reportgen" in result.output


# -- accounts: disable, enable, reset the password -----------------------------------------------------

@pytest.fixture(scope="module")
def project(tmp_path_factory):
    folder = make_project(tmp_path_factory.mktemp("web-accounts"))
    add_standard_users(folder)
    yield folder
    CHECKOUT.activate()


@pytest.fixture(scope="module")
def app(project):
    return web_app.create_app(load_project(project / "reportgen.yaml"))


def _users(project, *args, input=None):
    return CliRunner().invoke(main, ["--project", str(project), "users", *args], input=input)


def _logged_in(app, name, password=None) -> TestClient:
    client = TestClient(app)
    assert login(client, name, password).status_code == 303
    assert client.get("/city" if name != "office" else "/office", follow_redirects=False).status_code == 200
    return client


def _audit(app):
    with app.state.sessions() as db:
        return list(db.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_a_disabled_account_cannot_log_in_and_its_sessions_end(app, project):
    client = _logged_in(app, "suzhou")
    other = _logged_in(app, "nanjing")
    result = _users(project, "disable", "suzhou")
    assert result.exit_code == 0 and "已停用账号 suzhou，结束了1个登录会话" in result.output
    assert client.get("/city", follow_redirects=False).headers["location"].endswith("/login")   # at once
    csrf = csrf_of(other.get("/city").text)
    assert client.post("/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 401
    response = login(TestClient(app), "suzhou")               # the right password
    assert response.status_code == 401 and "账号或密码错误" in response.text
    assert _audit(app)[-1].outcome == "失败：账号已停用"
    assert any(e.object == "账号 suzhou" and e.outcome.startswith("已停用（命令行）") and e.account is None
               for e in _audit(app))
    assert other.get("/city", follow_redirects=False).status_code == 200     # other accounts unaffected
    listed = _users(project, "list")
    assert "suzhou  苏州市填报员" in listed.output and listed.output.count("已停用") == 1
    assert "已停用" in next(line for line in listed.output.splitlines() if "suzhou" in line)
    assert "本来就已停用" in _users(project, "disable", "suzhou").output
    result = _users(project, "enable", "suzhou")
    assert result.exit_code == 0 and "已启用账号 suzhou" in result.output
    assert "已停用" not in _users(project, "list").output
    _logged_in(app, "suzhou")
    assert any(e.object == "账号 suzhou" and e.outcome == "已启用（命令行）" for e in _audit(app))


def test_a_session_made_before_disabling_is_refused_even_if_left_in_the_table(app, project):
    """current() checks the account, not only the session row."""
    client = _logged_in(app, "suzhou")
    with app.state.sessions() as db:
        account = web_db.find_account(db, "suzhou")
        account.disabled = 1
        db.commit()
    try:
        assert client.get("/city", follow_redirects=False).status_code == 303
    finally:
        assert _users(project, "enable", "suzhou").exit_code == 0


def test_reset_password_ends_the_sessions(app, project):
    client = _logged_in(app, "nanjing")
    result = _users(project, "reset-password", "nanjing", "--password-stdin", input="nanjing-new-pass-1\n")
    assert result.exit_code == 0 and re.search(r"已重设账号 nanjing 的密码，结束了[1-9]个登录会话", result.output)
    assert client.get("/city", follow_redirects=False).status_code == 303
    assert login(TestClient(app), "nanjing").status_code == 401                 # the old password
    _logged_in(app, "nanjing", "nanjing-new-pass-1")
    assert any(e.object == "账号 nanjing" and e.outcome.startswith("已重设密码（命令行）") for e in _audit(app))
    # back to the standard password for the other tests
    assert _users(project, "reset-password", "nanjing", "--password-stdin", input=PASSWORDS["nanjing"] + "\n").exit_code == 0


@pytest.mark.parametrize("args,stdin,said", [
    (["disable", "nobody"], None, "没有账号“nobody”"),
    (["enable", "nobody"], None, "没有账号“nobody”"),
    (["reset-password", "nobody", "--password-stdin"], "long-enough-pass\n", "没有账号“nobody”"),
    (["reset-password", "nanjing", "--password-stdin"], "short\n", "密码太短"),
    (["reset-password", "nanjing", "--password-stdin"], " long-enough-pass\n", "不能是空格"),
])
def test_account_commands_refuse_with_exit_code_2(project, args, stdin, said):
    result = _users(project, *args, input=stdin)
    assert result.exit_code == 2 and "[错误]" in result.output and said in result.output, result.output


def test_account_command_help_is_chinese(project):
    for command in ("disable", "enable", "reset-password"):
        result = _users(project, command, "--help")
        assert result.exit_code == 0 and ("停用" in result.output or "启用" in result.output or "密码" in result.output)


# -- the Origin check ------------------------------------------------------------------------------------

@pytest.mark.parametrize("headers", [
    {"origin": "http://evil.example"},
    {"origin": "http://testserver.evil.example"},
    {"origin": "http://testserver:8080"},
    {"origin": "null"},
    {"referer": "http://evil.example/form.html"},
    {"origin": "http://evil.example", "referer": "http://testserver/city"},
])
def test_a_post_from_another_site_is_refused(app, headers):
    client = _logged_in(app, "office")
    csrf = csrf_of(client.get("/office").text)
    response = client.post("/logout", data={"csrf": csrf}, headers=headers, follow_redirects=False)
    assert response.status_code == 403 and "来源不符" in response.text
    assert response.headers["x-content-type-options"] == "nosniff"
    last = _audit(app)[-1]
    assert (last.account, last.action, last.object) == ("office", "refused", "POST /logout")
    assert last.outcome.startswith("来源不符") and (headers.get("origin") or headers["referer"]) in last.outcome
    assert client.get("/office", follow_redirects=False).status_code == 200       # not logged out
    anonymous = TestClient(app)
    page = anonymous.get("/login")
    response = anonymous.post("/login", headers=headers, follow_redirects=False,
                              data={"name": "office", "password": PASSWORDS["office"], "csrf": csrf_of(page.text)})
    assert response.status_code == 403 and _audit(app)[-1].account is None


@pytest.mark.parametrize("headers", [
    {},
    {"origin": "http://testserver"},
    {"origin": "http://TestServer:80"},
    {"referer": "http://testserver/office"},
    {"origin": "https://office.example", "x-forwarded-host": "office.example"},
])
def test_a_post_from_the_same_site_or_without_origin_is_accepted(app, headers):
    client = _logged_in(app, "office")
    csrf = csrf_of(client.get("/office").text)
    response = client.post("/logout", data={"csrf": csrf}, headers=headers, follow_redirects=False)
    assert response.status_code == 303
    assert client.get("/office", follow_redirects=False).status_code == 303       # logged out


def test_without_origin_the_csrf_token_still_applies(app):
    client = _logged_in(app, "office")
    response = client.post("/logout", data={"csrf": "forged"}, headers={"origin": "http://testserver"})
    assert response.status_code == 403 and _audit(app)[-1].outcome.startswith("缺少或错误的表单令牌")


# -- the due day -------------------------------------------------------------------------------------------

def _with_due_day(text: str, line: str) -> str:
    return text.replace("issuer: ", f"{line}\nissuer: ", 1)


def test_the_due_day_comes_from_bulletin_yaml(tmp_path):
    folder = make_project(tmp_path / "p")
    add_standard_users(folder)
    bulletin = folder / "data" / "jiangsu-2021" / "bulletin.yaml"
    original = bulletin.read_text(encoding="utf-8")
    day = {"value": dt.date(2021, 6, 12)}
    try:
        app = web_app.create_app(load_project(folder / "reportgen.yaml"), today=lambda: day["value"])
        client = _logged_in(app, "office")
        page = client.get(f"/office/month/{MONTH}").text          # no city has sent May: all late on 12 June
        assert "报送截止 2021-06-10" in page and "逾期：南京市" in page
        assert "次月10日前报送" in _logged_in(app, "nanjing").get("/city").text
        bulletin.write_text(_with_due_day(original, "submission_due_day: 15"), encoding="utf-8")
        page = client.get(f"/office/month/{MONTH}").text
        assert "报送截止 2021-06-15" in page and "逾期" not in page
        assert "次月15日前报送" in _logged_in(app, "nanjing").get("/city").text
    finally:
        bulletin.write_text(original, encoding="utf-8")
        CHECKOUT.activate()


@pytest.mark.parametrize("value", ["0", "29", "10.5", "'10'", "true"])
def test_a_bad_due_day_is_a_located_error(tmp_path, value):
    from reportgen.load.bulletin import load_bulletin_settings
    from reportgen.problems import Problems

    source = (CHECKOUT.root / "data" / "jiangsu-2021" / "bulletin.yaml").read_text(encoding="utf-8")
    file = tmp_path / "bulletin.yaml"
    file.write_text(_with_due_day(source, f"submission_due_day: {value}"), encoding="utf-8")
    problems = Problems()
    assert load_bulletin_settings(file, problems) is None
    [error] = problems.errors
    line = 1 + source.split("issuer: ")[0].count("\n")
    assert error.row == line and error.field == "submission_due_day" and "1～28之间的整数" in error.message


def test_the_due_day_defaults_to_10_and_is_read(tmp_path):
    from reportgen.load.bulletin import load_bulletin_settings
    from reportgen.problems import Problems

    source = (CHECKOUT.root / "data" / "jiangsu-2021" / "bulletin.yaml").read_text(encoding="utf-8")
    assert load_bulletin_settings(CHECKOUT.root / "data" / "jiangsu-2021" / "bulletin.yaml", Problems()).submission_due_day == 10
    file = tmp_path / "bulletin.yaml"
    file.write_text(_with_due_day(source, "submission_due_day: 28"), encoding="utf-8")
    assert load_bulletin_settings(file, Problems()).submission_due_day == 28


# -- PostgreSQL (only when a scratch database is given: REPORTGEN_TEST_POSTGRES=postgresql+psycopg://…) ----

def test_migrations_on_postgresql():
    import os

    from sqlalchemy import create_engine, inspect, text

    url = os.environ.get("REPORTGEN_TEST_POSTGRES")
    if not url:
        pytest.skip("REPORTGEN_TEST_POSTGRES (a scratch PostgreSQL database, emptied by this test) not set")
    engine = create_engine(url)
    statements = [s for s in VERSION_1.replace("DATETIME", "TIMESTAMP").split(";") if s.strip()]
    with engine.begin() as c:
        for table in ("schema_version", "sessions", "login_attempts", "audit_log", "settings", "accounts"):
            c.execute(text(f"DROP TABLE IF EXISTS {table} CASCADE"))
        for statement in statements:
            c.execute(text(statement))
    sessions = web_db.open_database(url)
    assert "disabled" in [col["name"] for col in inspect(engine).get_columns("accounts")]
    with sessions() as db:
        assert [(a.name, a.disabled) for a in db.scalars(select(web_db.Account).order_by(web_db.Account.id))] == [
            ("office", 0), ("nanjing", 0)]
    assert web_db.migrate(engine) == (web_db.SCHEMA_VERSION,) * 2
    with engine.begin() as c:
        c.execute(text("UPDATE schema_version SET version = version + 1"))
    with pytest.raises(web_db.SchemaTooNew):
        web_db.open_database(url)
    with engine.begin() as c:
        for table in ("schema_version", "sessions", "login_attempts", "audit_log", "settings", "accounts"):
            c.execute(text(f"DROP TABLE IF EXISTS {table} CASCADE"))
    web_db.open_database(url)                      # a new database: the baseline
    assert web_db.migrate(engine) == (web_db.SCHEMA_VERSION,) * 2
    engine.dispose()
