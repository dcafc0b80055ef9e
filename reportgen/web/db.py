"""The web application's own storage (accounts, sessions, audit log, login attempts), through
SQLAlchemy: SQLite in the project folder by default, any SQLAlchemy URL (e.g. PostgreSQL) otherwise.

Submission files are not stored here: they stay in the data set's versioned archive
(load/submissions.py), so the command line and the web see the same data.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

DB_FILE = "reportgen-web.sqlite3"
ROLES = ("office", "city")


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


class Base(DeclarativeBase):
    pass


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))               # "office" | "city"
    city: Mapped[str | None] = mapped_column(String(64), nullable=True)   # the city's full name (南京市)
    password_hash: Mapped[str] = mapped_column(String(255))
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=now)


class WebSession(Base):
    __tablename__ = "sessions"
    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    csrf: Mapped[str] = mapped_column(String(64))
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    expires: Mapped[dt.datetime] = mapped_column(DateTime)


class AuditEntry(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    time: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    account: Mapped[str | None] = mapped_column(String(64), nullable=True)   # None: not logged in
    action: Mapped[str] = mapped_column(String(32))      # login, upload, download, refused, …
    object: Mapped[str] = mapped_column(Text)            # what it was about (path, city/month, file)
    outcome: Mapped[str] = mapped_column(Text)           # ok, or why not


class LoginAttempt(Base):
    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    time: Mapped[dt.datetime] = mapped_column(DateTime, default=now, index=True)
    success: Mapped[bool] = mapped_column(Integer)
    address: Mapped[str] = mapped_column(String(64), default="")


class Setting(Base):
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


def default_url(project_root: Path) -> str:
    return f"sqlite:///{Path(project_root) / DB_FILE}"


def open_database(url: str) -> sessionmaker:
    """The session factory of the database at `url`; its tables are created if absent."""
    kwargs = {"connect_args": {"check_same_thread": False, "timeout": 30}} if url.startswith("sqlite") else {}
    engine = create_engine(url, **kwargs)
    Base.metadata.create_all(engine)
    return sessionmaker(engine, expire_on_commit=False)


def audit(db, account: str | None, action: str, obj: str, outcome: str) -> None:
    db.add(AuditEntry(account=account, action=action, object=obj, outcome=outcome))
    db.commit()


def find_account(db, name: str) -> Account | None:
    return db.scalar(select(Account).where(Account.name == name))


class Job(Base):
    """Long work run in the background (building a month's bulletin, all letters, issuing). At most one
    job per project runs at a time: the running job holds `slot` = 1, which is unique, so a second
    start fails in the database itself — also when several server processes share it."""

    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))            # bulletin, letters, issue, revision-note
    title: Mapped[str] = mapped_column(Text)                 # what the page says, e.g. 生成2021年5月通报
    account: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))           # running, done, failed
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    current: Mapped[str] = mapped_column(Text, default="")   # the document being made
    message: Mapped[str] = mapped_column(Text, default="")   # the outcome, in words
    link: Mapped[str] = mapped_column(Text, default="")      # where to see the result
    detail: Mapped[str] = mapped_column(Text, default="")    # JSON: what the job page shows (diff rows)
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    heartbeat: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    finished: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    slot: Mapped[int | None] = mapped_column(Integer, nullable=True, unique=True)
