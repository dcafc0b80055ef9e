"""The web application (FastAPI): city 填报员 upload their monthly form, the province office sees the
month's dashboard, previews the bulletin and downloads generated files.

Thin over the library, like the CLI: uploads go through load.submissions.store_submission (the same
checks, the same archive), the bulletin through build.build. Every route declares who may call it
(ACCESS); tests/test_web_security.py calls each route as each role.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import logging
import mimetypes
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urlsplit

from fastapi import Depends, FastAPI, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, RedirectResponse, Response, StreamingResponse
from fastapi.templating import Jinja2Templates
from itsdangerous import BadSignature, URLSafeTimedSerializer
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import delete, func, select
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..load.plan import load_plan
from ..load.submissions import (
    MAX_FILE_BYTES,
    check_month,
    emptied_since_previous,
    read_submission,
    store_submission,
    stored_revisions,
    submission_fields,
)
from ..problems import DataError, Problems
from ..project import Project
from .accounts import verify_password
from .build_process import BuildFailed, build_in_child, explain_failure
from .db import Account, Job, LoginAttempt, Setting, WebSession, audit, default_url, find_account, now, open_database
from .jobs import JobFailed, JobRunner, Outcome

HERE = Path(__file__).parent
SESSION_COOKIE = "rg_session"
LOGIN_COOKIE = "rg_login"            # signed random value: the login form's CSRF token (double submit)
SESSION_HOURS = 12
THROTTLE_FAILURES = 5                # failed logins per account …
THROTTLE_MINUTES = 15                # … within this many minutes: further attempts refused
DUE_DAY = 10                         # default due day (the data set's bulletin.yaml: submission_due_day)
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}   # checked for a same-host Origin / Referer
UPLOAD_OVERHEAD = 64 * 1024          # multipart boundaries and the form's other fields
DOWNLOAD_SUFFIXES = {".pdf", ".docx", ".xlsx", ".html"}

# who may call each route: "public", "any" (logged in), "city", "office"
ACCESS: dict[tuple[str, str], str] = {}

log = logging.getLogger("reportgen.web")


class Refused(Exception):
    def __init__(self, status: int, message: str):
        self.status, self.message = status, message


class TooLarge(Exception):
    pass


@dataclass
class Viewer:
    account: Account
    session: WebSession


def _templates() -> Jinja2Templates:
    env = Environment(loader=FileSystemLoader(HERE / "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    return Jinja2Templates(env=env)


class BodyLimit:
    """ASGI middleware: a request body larger than `limit` is refused with 413 — at once when its
    Content-Length says so, else as soon as the bytes received pass the limit (the rest is not read)."""

    def __init__(self, app, limit: int, on_refused=None):
        self.app, self.limit, self.on_refused = app, limit, on_refused

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            return await self._refuse(scope, send)
        seen = 0
        exceeded = False

        async def counted():
            nonlocal seen, exceeded
            if exceeded:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    exceeded = True    # the rest is never read; the app's answer is replaced by 413
                    raise TooLarge()
            return message

        replaced = False

        async def sending(message):
            nonlocal replaced
            if exceeded:
                if not replaced:
                    replaced = True
                    await self._refuse(scope, send)
                return
            await send(message)

        try:
            await self.app(scope, counted, sending)
        except BaseException:  # noqa: BLE001 - whatever the app made of the cut-off body, the answer is 413
            if not exceeded:
                raise
        if exceeded and not replaced:
            replaced = True
            await self._refuse(scope, send)

    async def _refuse(self, scope, send):
        if self.on_refused:
            self.on_refused(scope["path"])
        body = (f"上传的文件过大：报送表不超过{MAX_FILE_BYTES // 1024 // 1024} MB，未接收。请使用下发的空白报送表。"
                ).encode()
        await send({"type": "http.response.start", "status": 413, "headers": [
            (b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
            (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


def create_app(project: Project, database_url: str | None = None, dataset: str | None = None,
               max_upload_bytes: int = MAX_FILE_BYTES, build=None, today=None) -> FastAPI:
    """The app for `project` (its default data set unless `dataset`). `build` (reportgen.build.build, used
    by every job that makes documents) and `today()` can be replaced in tests."""
    project.activate()
    data_dir = project.dataset(dataset)
    sessions = open_database(database_url or default_url(project.root))
    templates = _templates()
    today = today or dt.date.today

    with sessions() as db:
        secret = db.get(Setting, "secret")
        if secret is None:
            secret = Setting(key="secret", value=secrets.token_urlsafe(48))
            db.add(secret)
            db.commit()
        signer = URLSafeTimedSerializer(secret.value, salt="reportgen-web")

    app = FastAPI(title="reportgen", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.sessions = sessions
    jobs = JobRunner(sessions, explain_failure)
    app.state.jobs = jobs
    app.state.project = project
    app.state.data_dir = data_dir

    def refused_large(path: str) -> None:
        with sessions() as db:
            audit(db, None, "upload", path, "拒绝：请求体超过大小限制（413）")

    app.add_middleware(BodyLimit, limit=max_upload_bytes + UPLOAD_OVERHEAD, on_refused=refused_large)

    def route(method: str, path: str, access: str, **kwargs):
        ACCESS[(method, path)] = access
        return (app.get if method == "GET" else app.post)(path, **kwargs)

    # -- sessions, CSRF, authorisation -----------------------------------------------------------

    def current(request: Request) -> Viewer | None:
        raw = request.cookies.get(SESSION_COOKIE)
        if not raw:
            return None
        try:
            token = signer.loads(raw, max_age=SESSION_HOURS * 3600)
        except BadSignature:
            return None
        with sessions() as db:
            session = db.get(WebSession, token)
            if session is None or session.expires < now():
                return None
            account = db.get(Account, session.account_id)
            return Viewer(account, session) if account and not account.disabled else None

    def viewer_any(request: Request) -> Viewer:
        viewer = current(request)
        if viewer is None:
            raise Refused(401, "请先登录")
        return viewer

    def viewer_city(request: Request) -> Viewer:
        viewer = viewer_any(request)
        if viewer.account.role != "city":
            _deny(viewer, request, "只有设区市填报员账号可以使用此页面")
        return viewer

    def viewer_office(request: Request) -> Viewer:
        viewer = viewer_any(request)
        if viewer.account.role != "office":
            _deny(viewer, request, "只有省大气办账号可以使用此页面")
        return viewer

    def _deny(viewer: Viewer, request: Request, message: str, what: str | None = None):
        with sessions() as db:
            audit(db, viewer.account.name, "refused", what or f"{request.method} {request.url.path}", message)
        raise Refused(403, message)

    def own_city(viewer: Viewer, request: Request, city: str) -> str:
        if not city:
            _deny(viewer, request, "表单缺少设区市，未处理。请从本市的页面重新上传。",
                  f"{request.method} {request.url.path} 城市=（空）")
        if city != viewer.account.city:
            _deny(viewer, request, f"无权访问{city[:20]}的数据（本账号属于{viewer.account.city}）",
                  f"{request.method} {request.url.path} 城市={city[:64]}")
        return city

    def check_csrf(request: Request, given: str | None, viewer: Viewer | None) -> None:
        if viewer is not None:
            expected = viewer.session.csrf
        else:
            try:
                expected = signer.loads(request.cookies.get(LOGIN_COOKIE, ""), max_age=3600)
            except BadSignature:
                expected = None
        if not expected or not given or not hmac.compare_digest(str(expected), str(given)):
            with sessions() as db:
                audit(db, viewer.account.name if viewer else None, "refused", f"{request.method} {request.url.path}",
                      "缺少或错误的表单令牌（CSRF）")
            raise Refused(403, "表单已过期或来源不明，未处理。请刷新页面后重新提交。")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        message = {404: "没有这个页面", 405: "不能这样访问这个页面（请从页面上的链接和按钮进入）"}.get(
            exc.status_code, f"请求未能处理（{exc.status_code}）")
        return page(request, "error.html", current(request), status=exc.status_code, message=message)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        return page(request, "error.html", current(request), status=422,
                    message="表单内容不完整或格式不对，未处理。请从页面上重新填写后提交。")

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused):
        if exc.status == 401 and request.method == "GET":
            return RedirectResponse("/login", status_code=303)
        return page(request, "error.html", None, status=exc.status, message=exc.message)

    def page(request: Request, name: str, viewer: Viewer | None, status: int = 200, **context) -> Response:
        if viewer is not None and viewer.account.role == "office" and "running_job" not in context:
            context["running_job"] = jobs.active()
        response = templates.TemplateResponse(request, name, {"viewer": viewer and viewer.account,
                                                              "csrf": viewer.session.csrf if viewer else "", **context},
                                              status_code=status)
        response.headers["Cache-Control"] = "no-store"
        return response

    def _same_host(claimed: str, request: Request) -> bool:
        """Whether the Origin / Referer `claimed` names the host of `request` (its Host header, or the
        X-Forwarded-Host a reverse proxy sets; a browser cannot set that one on a cross-site form post)."""
        parts = urlsplit(claimed.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return False                     # "null" (sandboxed or privacy-sensitive pages), file:, …
        try:
            port = parts.port or {"http": 80, "https": 443}[parts.scheme]
        except ValueError:
            return False
        default = {"http": 80, "https": 443}[parts.scheme]
        for host in (request.headers.get("host"), request.headers.get("x-forwarded-host")):
            if not host:
                continue
            own = urlsplit("//" + host.split(",")[0].strip())
            try:
                own_port = own.port or default
            except ValueError:
                continue
            if own.hostname and own.hostname == parts.hostname and own_port == port:
                return True
        return False

    # defined before security_headers, so that middleware (outside this one) adds its headers to the 403
    @app.middleware("http")
    async def same_origin(request: Request, call_next):
        """A form posted from another site's page is refused, in addition to the CSRF token: the Origin
        header (or, without it, the Referer) must name the host the request was sent to. A request with
        neither (some privacy settings, scripts) is let through to the CSRF check."""
        if request.method not in UNSAFE_METHODS:
            return await call_next(request)
        claimed = request.headers.get("origin") or request.headers.get("referer")
        if claimed is None or _same_host(claimed, request):
            return await call_next(request)
        viewer = await run_in_threadpool(current, request)
        with sessions() as db:
            await run_in_threadpool(audit, db, viewer.account.name if viewer else None, "refused",
                                    f"{request.method} {request.url.path}",
                                    f"来源不符：{'Origin' if request.headers.get('origin') else 'Referer'} "
                                    f"为“{claimed[:200]}”，本站为“{request.headers.get('host', '')[:100]}”")
        return page(request, "error.html", None, status=403,
                    message="该表单不是从本网站的页面提交的（来源不符），未处理。请在本网站的页面上重新操作。")

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy",
                                    "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'none'; "
                                    "frame-ancestors 'self'")
        return response

    # -- the library, read fresh per request (the CLI may have changed the data) -------------------

    loaded_plans: dict[tuple, object] = {}     # the plan files' (path, mtime, size) → the plan read from them

    def plan_files_key() -> tuple:
        """What the plan is read from: every file of the data set outside submissions/ and issued/ (which
        the plan does not hold), with its modification time and size."""
        found = []
        for path in sorted(data_dir.rglob("*")):
            rel = path.relative_to(data_dir).parts
            if rel[0] in ("submissions", "issued") or any(part.startswith(".") for part in rel) or not path.is_file():
                continue
            stat = path.stat()
            found.append((path.as_posix(), stat.st_mtime_ns, stat.st_size))
        return tuple(found)

    def plan():
        """The data set's plan, read again only when one of its files changed (the CLI may edit them)."""
        key = plan_files_key()
        cached = loaded_plans.get(key)
        if cached is not None:
            return cached
        try:
            loaded = load_plan(data_dir)[0]
        except DataError as exc:
            raise Refused(500, "数据有错误，请省大气办运行 reportgen validate 检查：" + str(exc.problems[0])) from exc
        loaded_plans.clear()
        loaded_plans[key] = loaded
        return loaded

    def plan_months(p) -> list[str]:
        return [f"{p.year}-{m:02d}" for m in range(1, 13)]

    def month_or_404(p, month: str) -> str:
        if check_month(month) or month not in plan_months(p):
            raise Refused(404, f"没有“{month[:10]}”这个月份（应为 {p.year}-01 至 {p.year}-12）")
        return month

    def due_day() -> int:
        """The data set's submission_due_day (bulletin.yaml, default DUE_DAY)."""
        settings = plan().bulletin
        return settings.submission_due_day if settings is not None else DUE_DAY

    def due_date(month: str) -> dt.date:
        from ..reminders import due_date as due_date_of

        return due_date_of(month, due_day())

    def revisions_of(month: str | None = None, city: str | None = None):
        found = [s for s in stored_revisions(data_dir, Problems()) if (month is None or s.month == month)
                 and (city is None or s.city == city)]
        return sorted(found, key=lambda s: (s.month, s.city, s.revision))

    # -- public ------------------------------------------------------------------------------------

    @route("GET", "/static/style.css", "public")
    def style():
        return FileResponse(HERE / "static" / "style.css", media_type="text/css")

    @route("GET", "/", "public")
    def home(request: Request):
        viewer = current(request)
        if viewer is None:
            return RedirectResponse("/login", status_code=303)
        return RedirectResponse("/office" if viewer.account.role == "office" else "/city", status_code=303)

    @route("GET", "/login", "public")
    def login_form(request: Request):
        token = secrets.token_urlsafe(32)
        response = page(request, "login.html", None, login_csrf=token, message=None)
        response.set_cookie(LOGIN_COOKIE, signer.dumps(token), httponly=True, samesite="lax", max_age=3600)
        return response

    @route("POST", "/login", "public")
    def login(request: Request, name: str = Form("", max_length=200), password: str = Form("", max_length=1000),
              csrf: str = Form("", max_length=200)):
        check_csrf(request, csrf, None)
        name = name.strip()[:64]
        address = request.client.host if request.client else ""
        with sessions() as db:
            since = now() - dt.timedelta(minutes=THROTTLE_MINUTES)
            failures = db.scalar(select(func.count()).select_from(LoginAttempt).where(
                LoginAttempt.name == name, LoginAttempt.time >= since, LoginAttempt.success == 0))
            if failures >= THROTTLE_FAILURES:
                audit(db, name, "login", address, f"拒绝：{THROTTLE_MINUTES}分钟内失败{failures}次，暂停登录")
                return _login_again(request, f"登录失败次数过多，请{THROTTLE_MINUTES}分钟后再试。", 429)
            account = find_account(db, name)
            ok = verify_password(account, password)
            disabled = ok and bool(account.disabled)      # answered like a wrong password; the log says why
            ok = ok and not disabled
            db.add(LoginAttempt(name=name, success=int(ok), address=address))
            audit(db, name, "login", address, "成功" if ok else "失败：账号已停用" if disabled else "失败：账号或密码错误")
            if not ok:
                return _login_again(request, "账号或密码错误。", 401)
            session = WebSession(token=secrets.token_urlsafe(32), account_id=account.id, csrf=secrets.token_urlsafe(32),
                                 expires=now() + dt.timedelta(hours=SESSION_HOURS))
            db.execute(delete(WebSession).where(WebSession.expires < now()))
            db.add(session)
            db.commit()
        response = RedirectResponse("/office" if account.role == "office" else "/city", status_code=303)
        response.set_cookie(SESSION_COOKIE, signer.dumps(session.token), httponly=True, samesite="lax",
                            max_age=SESSION_HOURS * 3600, secure=request.url.scheme == "https")
        response.delete_cookie(LOGIN_COOKIE)
        return response

    def _login_again(request: Request, message: str, status: int):
        token = secrets.token_urlsafe(32)
        response = page(request, "login.html", None, status=status, login_csrf=token, message=message)
        response.set_cookie(LOGIN_COOKIE, signer.dumps(token), httponly=True, samesite="lax", max_age=3600)
        return response

    @route("POST", "/logout", "any")
    def logout(request: Request, csrf: str = Form("", max_length=200), viewer: Viewer = Depends(viewer_any)):
        check_csrf(request, csrf, viewer)
        with sessions() as db:
            db.execute(delete(WebSession).where(WebSession.token == viewer.session.token))
            db.commit()
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    # -- city 填报员 ---------------------------------------------------------------------------------

    def city_month_rows(p, city: str):
        stored = revisions_of(city=city)
        rows = []
        for month in plan_months(p):
            mine = [s for s in stored if s.month == month]
            rows.append({"month": month, "label": f"{month[:4]}年{int(month[5:])}月", "revisions": len(mine),
                         "current": mine[-1] if mine else None, "due": due_date(month),
                         "late": not mine and today() > due_date(month)})
        return rows

    @route("GET", "/city", "city")
    def city_home(request: Request, viewer: Viewer = Depends(viewer_city)):
        p = plan()
        return page(request, "city_months.html", viewer, city=viewer.account.city, rows=city_month_rows(p, viewer.account.city))

    def city_unit(p, city: str):
        unit = p.units.find(city)
        if unit is None or unit.level != "city":
            raise Refused(404, "没有这个设区市")
        return unit

    # -- a city's own documents --------------------------------------------------------------------

    def city_documents(p, city: str) -> dict[str, Path]:
        """What a city account may download: its own and its counties' 目标责任书 and 附件数据 (as
        generated), and every issued bulletin (from the issue archive)."""
        from ..build import document_files, letter_document, tables_document
        from ..load.issued import issued_dir, load_issue_records

        unit = city_unit(p, city)
        mine = [unit] + [u for u in p.units.all if u.level != "city" and u.parent == unit.name]
        allowed = output_files()
        files: dict[str, Path] = {}
        if p.letters is not None:
            for u in mine:
                for doc in (letter_document(p, u), tables_document(p, u)):
                    files.update({rel: allowed[rel] for rel in document_files(doc) if rel in allowed})
        root = issued_dir(data_dir).resolve()
        for record in load_issue_records(data_dir, Problems()):
            for rel in record.files:
                archived = (root / rel).resolve()
                if (archived.is_relative_to(root) and archived.is_file() and not (root / rel).is_symlink()
                        and archived.suffix.lower() in DOWNLOAD_SUFFIXES):
                    files[rel] = archived
        return files

    @route("GET", "/city/{city}/files", "city")
    def city_files(request: Request, city: str, viewer: Viewer = Depends(viewer_city)):
        own_city(viewer, request, city)
        p = plan()
        files = city_documents(p, city)
        groups: dict[str, list[str]] = {}
        for rel in files:
            groups.setdefault(rel.split("/")[1] if rel.count("/") >= 2 else "其他", []).append(rel)
        return page(request, "city_files.html", viewer, city=city, groups=groups)

    @route("GET", "/city/{city}/files.zip", "city")
    def city_zip(request: Request, city: str, viewer: Viewer = Depends(viewer_city)):
        own_city(viewer, request, city)
        files = city_documents(plan(), city)
        if not files:
            raise Refused(404, "还没有可下载的文件")
        return zip_response(viewer, files, f"{city}文件.zip", f"打包下载 {city}的文件")

    @route("GET", "/city/{city}/files/{path:path}", "city")
    def city_download(request: Request, city: str, path: str, viewer: Viewer = Depends(viewer_city)):
        own_city(viewer, request, city)
        file = city_documents(plan(), city).get(path)
        with sessions() as db:
            audit(db, viewer.account.name, "download", f"{city}的文件 {path[:300]}",
                  "成功" if file else "拒绝：不在本市可下载的文件中")
        if file is None:
            raise Refused(404, "没有这个文件，或本账号无权下载")
        return file_response(file)

    # /city/{city}/files* are declared above: they would otherwise be taken for a month
    @route("GET", "/city/{city}/{month}", "city")
    def city_month(request: Request, city: str, month: str, viewer: Viewer = Depends(viewer_city)):
        own_city(viewer, request, city)
        p = plan()
        month = month_or_404(p, month)
        return page(request, "city_month.html", viewer, city=city, month=month, label=f"{month[:4]}年{int(month[5:])}月",
                    revisions=revisions_of(month, city), due=due_date(month), result=None)

    @route("GET", "/city/{city}/{month}/form.xlsx", "city")
    def city_form(request: Request, city: str, month: str, viewer: Viewer = Depends(viewer_city)):
        from ..writers.submission_form import write_form

        own_city(viewer, request, city)
        p = plan()
        month = month_or_404(p, month)
        unit = city_unit(p, city)
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "form.xlsx"
            write_form(p, month, unit, target)
            body = target.read_bytes()
        name = f"{unit.name}{month}报送表.xlsx"
        with sessions() as db:
            audit(db, viewer.account.name, "download", f"空白报送表 {unit.name} {month}", "成功")
        return Response(body, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})

    @route("POST", "/city/{city}/{month}/upload", "city")
    def city_upload(request: Request, city: str, month: str, file: UploadFile,
                          csrf: str = Form("", max_length=200), form_city: str = Form("", alias="city", max_length=200),
                          viewer: Viewer = Depends(viewer_city)):
        check_csrf(request, csrf, viewer)
        own_city(viewer, request, city)
        own_city(viewer, request, form_city)
        p = plan()
        month = month_or_404(p, month)
        unit = city_unit(p, city)
        original = PurePosixPath((file.filename or "").replace("\\", "/")).name[:100] or "未命名"
        suffix = Path(original).suffix.lower()
        safe_name = f"upload{suffix}" if suffix.isascii() and suffix[1:].isalnum() else "upload"
        what = f"报送表 {unit.name} {month}（文件“{original}”）"
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp) / safe_name
            size = 0
            with open(source, "wb") as out:
                while chunk := file.file.read(64 * 1024):   # a sync route: runs in the thread pool
                    size += len(chunk)
                    if size > max_upload_bytes:
                        break
                    out.write(chunk)
            if size > max_upload_bytes:
                with sessions() as db:
                    audit(db, viewer.account.name, "upload", what, "拒绝：文件过大（413）")
                raise Refused(413, f"上传的文件过大：报送表不超过{max_upload_bytes // 1024 // 1024} MB，未接收。")
            try:
                stored = store_submission(data_dir, source, month, p.units, p.annex_for_role("projects"), unit.name)
            except DataError as exc:
                problems = [{"file": original, "row": e.row, "column": e.column, "message": e.message,
                             "severity": e.severity.value} for e in exc.problems]
                with sessions() as db:
                    audit(db, viewer.account.name, "upload", what, f"未保存：{len(problems)}处错误")
                return page(request, "city_month.html", viewer, status=422, city=city, month=month,
                            label=f"{month[:4]}年{int(month[5:])}月", revisions=revisions_of(month, city),
                            due=due_date(month), result={"ok": False, "problems": problems, "file": original})
        # the values as stored, read back by the same reader the bulletin uses
        annex6 = p.annex_for_role("projects")
        reports = read_submission(stored.path, month, p.units, annex6, Problems(), city=unit) or []
        fields = submission_fields(annex6)
        shown = [f for f in fields if any(f.key in r.values for r in reports)]
        table = [{"unit": r.unit.name, "values": [_number(r.values.get(f.key)) for f in shown], "remark": r.remark}
                 for r in reports]
        previous, emptied = (0, []) if stored.unchanged else emptied_since_previous(data_dir, stored, p.units, annex6)
        issued = issued_record(month)
        with sessions() as db:
            audit(db, viewer.account.name, "upload", what,
                  f"与现行第{stored.revision}版相同，未另存（{stored.path.name}）" if stored.unchanged
                  else f"已保存为第{stored.revision}版（{stored.path.name}）")
        return page(request, "city_month.html", viewer, city=city, month=month, label=f"{month[:4]}年{int(month[5:])}月",
                    revisions=revisions_of(month, city), due=due_date(month),
                    result={"ok": True, "revision": stored.revision, "received": stored.received, "file": original,
                            "unchanged": stored.unchanged, "previous": previous, "emptied": emptied,
                            "issued": issued,
                            "headers": [f"{f.header}（{f.unit}）" for f in shown], "table": table})

    # -- province office ---------------------------------------------------------------------------

    def dashboard_rows(p, month: str):
        stored = revisions_of(month)
        rows = []
        for c in p.units.cities:
            mine = [s for s in stored if s.city == c.name]
            first = mine[0].received if mine else None
            late = (not mine and today() > due_date(month)) or (first is not None and first.date() > due_date(month))
            rows.append({"city": c.name, "revisions": mine, "current": mine[-1] if mine else None,
                         "first": first, "late": late})
        return rows

    @route("GET", "/office", "office")
    def office_home(request: Request, viewer: Viewer = Depends(viewer_office)):
        return page(request, "office_home.html", viewer, months=month_rows(plan()), message=None)

    def month_rows(p) -> list[dict]:
        stored = revisions_of()
        months = []
        for m in plan_months(p):
            cities = {s.city for s in stored if s.month == m}
            months.append({"month": m, "label": month_label(m), "submitted": len(cities),
                           "total": len(p.units.cities), "due": due_date(m)})
        return months

    @route("GET", "/office/month/{month}", "office")
    def office_month(request: Request, month: str, viewer: Viewer = Depends(viewer_office)):
        p = plan()
        return month_page(request, viewer, p, month_or_404(p, month))

    def output_files() -> dict[str, Path]:
        """The allow-list of downloadable files: generated documents in the output folder, by their
        path relative to it. Nothing else can be downloaded."""
        out = project.output
        files: dict[str, Path] = {}
        if out.is_dir():
            for f in sorted(out.rglob("*")):
                rel = f.relative_to(out)
                if (f.is_file() and not f.is_symlink() and f.suffix.lower() in DOWNLOAD_SUFFIXES
                        and not any(part.startswith(".") for part in rel.parts)):
                    files[rel.as_posix()] = f
        return files

    def bulletin_file(month: str) -> str | None:
        found = [rel for rel in output_files() if rel.startswith(f"{month[:4]}/通报/{month} ") and rel.endswith(".html")]
        return found[0] if found else None

    def build_documents(progress=None, **options):
        """Documents of the data set into the project's output folder: in a child process
        (web/build_process.py: the server's threads keep answering pages meanwhile), or with the build
        function given to create_app (tests), in this thread. `progress(done, total, title)`."""
        from ..profile import Profile

        if build is None:
            try:
                return build_in_child(data_dir, project.output, project.profile, progress, **options)
            except BuildFailed as exc:
                if exc.explained is None:
                    log.error("build failed in its process:\n%s", exc.detail)
                    raise JobFailed("失败：程序出错。请把服务器日志报告给开发人员。") from None
                raise JobFailed(exc.explained) from None
        relay = None if progress is None else (lambda done, total, doc, seconds: progress(done + 1, total, doc.title))
        return build(data_dir, project.output, Profile.load(project.profile), jobs=1, progress=relay, **options)

    def month_label(month: str) -> str:
        return f"{month[:4]}年{int(month[5:])}月"

    def start_job(request: Request, viewer: Viewer, kind: str, title: str, work, busy_page) -> Response:
        """Start `work` as the project's background job and show its page; when another job runs,
        `busy_page(message)` answers instead (409)."""
        job, started = jobs.start(viewer.account.name, kind, title, work)
        if not started:
            with sessions() as db:
                audit(db, viewer.account.name, "job", title, f"未开始：另一项任务（{job.title}）正在进行")
            return busy_page(f"另一项任务正在进行：{job.title}（{job.account}于{job.created:%H:%M}开始）。"
                             "请等它完成后再试。")
        with sessions() as db:
            audit(db, viewer.account.name, "job", title, f"已开始（任务{job.id}）")
        return RedirectResponse(f"/office/jobs/{job.id}", status_code=303)

    def month_page(request: Request, viewer: Viewer, p, month: str, message: str | None = None, status: int = 200):
        rows = dashboard_rows(p, month)
        issued = issued_record(month)
        return page(request, "office_month.html", viewer, status=status, month=month, label=month_label(month),
                    rows=rows, due=due_date(month), submitted=sum(1 for r in rows if r["revisions"]),
                    late=[r["city"] for r in rows if r["late"]], bulletin=bulletin_file(month), message=message,
                    missing=[r["city"] for r in rows if not r["revisions"]], issued=issued, today=today(),
                    after_issue=[s for s in revisions_of(month) if issued and s.received > issued.issued_at],
                    number_example=p.bulletin.doc_number.format(year=today().year, month=int(month[5:]), serial=1)
                    if p.bulletin else "")

    @route("POST", "/office/month/{month}/bulletin", "office")
    def office_build_bulletin(request: Request, month: str, csrf: str = Form("", max_length=200),
                              viewer: Viewer = Depends(viewer_office)):
        check_csrf(request, csrf, viewer)
        p = plan()
        month = month_or_404(p, month)

        def work(progress):
            result = build_documents(kinds=("bulletins",), months=[month], progress=progress)
            if result.failed:
                raise JobFailed(f"生成失败：{len(result.failed)}份文件未能生成。请把服务器日志报告给开发人员。")
            return Outcome(f"已按现行数据生成{month_label(month)}通报（PDF、DOCX和网页版）。",
                           f"/office/month/{month}/bulletin")

        return start_job(request, viewer, "bulletin", f"生成{month_label(month)}通报", work,
                         lambda message: month_page(request, viewer, p, month, message, 409))

    @route("GET", "/office/month/{month}/bulletin", "office")
    def office_bulletin(request: Request, month: str, viewer: Viewer = Depends(viewer_office)):
        p = plan()
        month = month_or_404(p, month)
        rel = bulletin_file(month)
        siblings = [r for r in output_files() if rel and r.rsplit(".", 1)[0] == rel.rsplit(".", 1)[0]]
        return page(request, "office_bulletin.html", viewer, month=month, label=f"{month[:4]}年{int(month[5:])}月",
                    file=rel, siblings=siblings)

    @route("GET", "/office/files", "office")
    def office_files(request: Request, folder: str = "", viewer: Viewer = Depends(viewer_office)):
        files = list(output_files())
        folders = sorted({rel.rsplit("/", 1)[0] for rel in files if "/" in rel})
        prefix = folder.strip("/")
        shown = [rel for rel in files if not prefix or rel.startswith(prefix + "/")]
        return page(request, "office_files.html", viewer, files=shown, folders=folders, folder=prefix)

    @route("GET", "/office/files/{path:path}", "office")
    def office_download(request: Request, path: str, viewer: Viewer = Depends(viewer_office)):
        allowed = output_files()
        file = allowed.get(path)
        with sessions() as db:
            audit(db, viewer.account.name, "download", f"输出文件 {path[:300]}", "成功" if file else "拒绝：不在可下载文件中")
        if file is None:
            raise Refused(404, "没有这个文件")
        return file_response(file)

    # -- background jobs ---------------------------------------------------------------------------

    @route("GET", "/office/jobs", "office")
    def office_jobs(request: Request, viewer: Viewer = Depends(viewer_office)):
        with sessions() as db:
            recent = list(db.scalars(select(Job).order_by(Job.id.desc()).limit(50)))
        return page(request, "office_jobs.html", viewer, recent=recent)

    @route("GET", "/office/jobs/{job_id}", "office")
    def office_job(request: Request, job_id: int, viewer: Viewer = Depends(viewer_office)):
        with sessions() as db:
            job = db.get(Job, job_id)
        if job is None:
            raise Refused(404, "没有这项任务")
        detail = json.loads(job.detail) if job.detail else None
        return page(request, "office_job.html", viewer, job=job, detail=detail, running_job=None)

    @route("POST", "/office/letters", "office")
    def office_build_letters(request: Request, csrf: str = Form("", max_length=200),
                             viewer: Viewer = Depends(viewer_office)):
        check_csrf(request, csrf, viewer)
        p = plan()

        def work(progress):
            result = build_documents(kinds=("letters", "tables"), progress=progress)
            parts = [f"新生成{len(result.written)}个文件，{result.unchanged}份已是最新"]
            if result.failed:
                parts.append(f"{len(result.failed)}份未能生成（请把服务器日志报告给开发人员）")
            if result.held_back:
                names = "、".join(list(result.held_back)[:10]) + ("等" if len(result.held_back) > 10 else "")
                parts.append(f"{len(result.held_back)}个单位的附件数据不全，目标责任书暂不生成：{names}"
                             "（请补全附件数据后再生成）")
            parts += result.skipped
            return Outcome("；".join(parts) + "。", "/office/files?folder=" + quote(f"{p.year}/目标责任书"))

        return start_job(request, viewer, "letters", "生成全部目标责任书和附件数据", work,
                         lambda message: page(request, "office_home.html", viewer, status=409, months=month_rows(p),
                                              message=message))

    # -- issuing -----------------------------------------------------------------------------------

    def issued_record(month: str):
        from ..load.issued import bulletin_records, load_issue_records

        return bulletin_records(load_issue_records(data_dir, Problems())).get(month)

    @route("POST", "/office/month/{month}/issue", "office")
    def office_issue(request: Request, month: str, csrf: str = Form("", max_length=200),
                     number: str = Form("", max_length=100), date: str = Form("", max_length=20),
                     viewer: Viewer = Depends(viewer_office)):
        from ..issuing import issue_bulletin
        from ..profile import Profile

        check_csrf(request, csrf, viewer)
        p = plan()
        month = month_or_404(p, month)
        number = number.strip()
        try:
            signed = dt.date.fromisoformat(date.strip())
        except ValueError:
            return month_page(request, viewer, p, month, f"成文日期“{date[:20]}”格式不对，应为 年-月-日，如 "
                                                         f"{today():%Y-%m-%d}。未印发。", 422)
        if not number:
            return month_page(request, viewer, p, month, "请填写文号。未印发。", 422)
        # what can be told at once is told on the form; the rest (the data, the dates) in the job
        from ..issuing import check_doc_number
        from ..load.issued import load_issue_records

        if p.bulletin is not None and (complaint := check_doc_number(number, p.bulletin.doc_number, signed.year)):
            return month_page(request, viewer, p, month, f"{complaint}。未印发。", 422)
        records = load_issue_records(data_dir, Problems())
        if (done := issued_record(month)) is not None:
            return month_page(request, viewer, p, month, f"{month_label(month)}的通报已于{done.issued_at:%Y-%m-%d %H:%M}"
                              f"印发（{done.doc_number}）；同一月份只能印发一次。", 409)
        if (same := next((r for r in records if r.doc_number == number), None)) is not None:
            return month_page(request, viewer, p, month, f"文号“{number}”已用于《{same.title}》"
                              f"（{same.issued_at:%Y-%m-%d}印发）；同一文号只能用于一份文件。未印发。", 409)

        def work(progress):
            profile = Profile.load(project.profile)
            record = issue_bulletin(data_dir, month, number, signed, profile)
            build_documents(kinds=("bulletins",), months=[month])
            return Outcome(f"已印发《{record.title}》（{record.doc_number}，成文日期{signed.year}年{signed.month}月"
                           f"{signed.day}日）。印发的文件已存档，以后不再改动。", f"/office/month/{month}/bulletin")

        return start_job(request, viewer, "issue", f"印发{month_label(month)}通报（{number[:40]}）", work,
                         lambda message: month_page(request, viewer, p, month, message, 409))

    @route("POST", "/office/month/{month}/remind", "office")
    def office_remind(request: Request, month: str, csrf: str = Form("", max_length=200),
                      viewer: Viewer = Depends(viewer_office)):
        from ..profile import Profile
        from ..reminders import ReminderRefused, write_reminders

        check_csrf(request, csrf, viewer)
        p = plan()
        month = month_or_404(p, month)
        signed = today()

        def work(progress):
            try:
                written = write_reminders(p, data_dir, project.output, month, signed, Profile.load(project.profile),
                                          today=signed)
            except ReminderRefused as exc:
                raise JobFailed(f"未生成：{exc}。") from exc
            cities = sorted({w.stem.split(" ", 1)[1].rsplit("-", 1)[0] for w in written})
            return Outcome(f"已为{len(cities)}个逾期未报的设区市各生成一份催报通知（PDF、DOCX，日期"
                           f"{signed.year}年{signed.month}月{signed.day}日）：{'、'.join(cities)}。",
                           "/office/files?folder=" + quote(f"{p.year}/催报通知"))

        return start_job(request, viewer, "remind", f"生成{month_label(month)}催报通知", work,
                         lambda message: month_page(request, viewer, p, month, message, 409))

    # -- revisions of a city's submission: the diff report and the 修订说明 ---------------------------

    def revision_pair(month: str, city: str, old: int | None, new: int | None):
        mine = revisions_of(month, city)
        if len(mine) < 2:
            raise Refused(404, f"{city[:20]}{month_label(month)}只有{len(mine)}个版本，没有可比较的修订")
        by_number = {s.revision: s for s in mine}
        new = new if new is not None else mine[-1].revision
        old = old if old is not None else max((n for n in by_number if n < new), default=None)
        if old not in by_number or new not in by_number or old >= new:
            raise Refused(404, "没有这两个版本，或原版本不早于新版本")
        return by_number[old], by_number[new]

    def version_folder(month: str, city: str, revision: int, target: Path) -> Path:
        """A copy of the data set in which `city`'s current revision of `month` is `revision`."""
        import shutil

        from ..load.submissions import STORED_NAME, submissions_dir

        city_dir = (submissions_dir(data_dir) / month / city).resolve()

        def ignore(folder, names):
            if Path(folder).resolve() != city_dir:
                return []
            return [n for n in names if (m := STORED_NAME.match(n)) and int(m.group(1)) > revision]

        shutil.copytree(data_dir, target, ignore=ignore, symlinks=False)
        return target

    def revision_label(s) -> str:
        return f"{s.city}{s.received.year}年{s.received.month}月{s.received.day}日报送的第{s.revision}版数据"

    def compare_revisions(month: str, city: str, before, after, profile, progress=None):
        """revision.compare of the data set as it stood with `before` and with `after` current."""
        from ..revision import compare, load_version

        with tempfile.TemporaryDirectory(prefix="reportgen-revisions-") as tmp:
            versions = []
            for n, (side, s) in enumerate((("old", before), ("new", after)), start=1):
                versions.append(load_version(version_folder(month, city, s.revision, Path(tmp) / side),
                                             revision_label(s), profile))
                if progress:
                    progress(n, 2, f"读入{revision_label(s)}")
            return compare(*versions)

    @route("POST", "/office/month/{month}/diff/{city}", "office")
    def office_diff(request: Request, month: str, city: str, csrf: str = Form("", max_length=200),
                    old: int | None = Form(None), new: int | None = Form(None), viewer: Viewer = Depends(viewer_office)):
        from ..profile import Profile
        from ..views.revision_view import change_rows, document_names, rank_rows, sentence_rows

        check_csrf(request, csrf, viewer)
        p = plan()
        month = month_or_404(p, month)
        unit = city_unit(p, city)
        before, after = revision_pair(month, unit.name, old, new)

        def work(progress):
            report = compare_revisions(month, unit.name, before, after, Profile.load(project.profile), progress)
            detail = {"city": unit.name, "month": month, "old": before.revision, "new": after.revision,
                      "old_label": revision_label(before), "new_label": revision_label(after),
                      "changes": change_rows([c for c in report.changes if c.kind != "revision"]),
                      "moved": change_rows(report.moved), "sentences": sentence_rows(report),
                      "ranks": rank_rows(report.ranks), "documents": document_names(report.documents_changed)}
            return Outcome(f"{revision_label(after)}与{revision_label(before)}相比：修改的数值{len(detail['changes'])}项，"
                           f"随之变化的排名{len(detail['ranks'])}处，受影响的文件{len(detail['documents'])}份。",
                           detail=json.dumps(detail, ensure_ascii=False))

        return start_job(request, viewer, "diff", f"比较{unit.name}{month_label(month)}第{before.revision}版与第"
                                                  f"{after.revision}版", work,
                         lambda message: month_page(request, viewer, p, month, message, 409))

    @route("POST", "/office/month/{month}/revision-note/{city}", "office")
    def office_revision_note(request: Request, month: str, city: str, csrf: str = Form("", max_length=200),
                             old: int = Form(...), new: int = Form(...), date: str = Form("", max_length=20),
                             viewer: Viewer = Depends(viewer_office)):
        from ..profile import Profile
        from ..revision import write_revision_note

        check_csrf(request, csrf, viewer)
        p = plan()
        month = month_or_404(p, month)
        unit = city_unit(p, city)
        before, after = revision_pair(month, unit.name, old, new)
        try:
            signed = dt.date.fromisoformat(date.strip()) if date.strip() else today()
        except ValueError:
            return month_page(request, viewer, p, month, f"成文日期“{date[:20]}”格式不对，应为 年-月-日。未生成修订说明。", 422)

        def work(progress):
            profile = Profile.load(project.profile)
            report = compare_revisions(month, unit.name, before, after, profile)
            if not (report.changes or report.moved or report.sentences):
                raise JobFailed("两个版本的数据没有任何修改，不需要修订说明；未生成。")
            written = write_revision_note(report, profile, project.output, signed, revision_label(before),
                                          revision_label(after), f"{unit.name}{month_label(month)}报送")
            rel = written[0].relative_to(project.output).as_posix()
            return Outcome(f"已生成修订说明（成文日期{signed.year}年{signed.month}月{signed.day}日）："
                           + "、".join(w.name for w in written) + "。",
                           "/office/files/" + quote(rel))

        return start_job(request, viewer, "revision-note", f"生成{unit.name}{month_label(month)}数据的修订说明", work,
                         lambda message: month_page(request, viewer, p, month, message, 409))

    # -- zip downloads -----------------------------------------------------------------------------

    def zip_response(viewer: Viewer, files: dict[str, Path], name: str, what: str) -> Response:
        import zipfile

        spool = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            for rel, path in files.items():
                archive.write(path, rel)
        size = spool.tell()
        spool.seek(0)
        with sessions() as db:
            audit(db, viewer.account.name, "download", f"{what}（{len(files)}个文件）", "成功")

        def chunks():
            try:
                while block := spool.read(256 * 1024):
                    yield block
            finally:
                spool.close()

        return StreamingResponse(chunks(), media_type="application/zip", headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}", "Content-Length": str(size)})

    @route("GET", "/office/files.zip", "office")
    def office_zip(request: Request, folder: str = "", viewer: Viewer = Depends(viewer_office)):
        prefix = folder.strip("/")
        chosen = {rel: f for rel, f in output_files().items() if not prefix or rel.startswith(prefix + "/")}
        if not chosen:
            raise Refused(404, "这个文件夹中没有可下载的文件")
        name = (prefix.replace("/", "-") or "全部文件") + ".zip"
        return zip_response(viewer, chosen, name, f"打包下载 {prefix or '全部文件'}")

    return app


def file_response(file: Path) -> FileResponse:
    media = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    disposition = "inline" if file.suffix.lower() in (".html", ".pdf") else "attachment"
    return FileResponse(file, media_type=media,
                        headers={"Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(file.name)}"})


def _number(value) -> str:
    return "" if value is None else format(value, "f")


def app_from_environment() -> FastAPI:
    """For `uvicorn --factory reportgen.web.app:app_from_environment` (the project from
    $REPORTGEN_PROJECT or the current folder)."""
    from ..project import load_project, locate

    file = locate()
    if file is None:
        raise SystemExit("找不到项目文件 reportgen.yaml")
    return create_app(load_project(file))
