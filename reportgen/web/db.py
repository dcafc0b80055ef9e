"""The web application's own storage (accounts, sessions, audit log, login attempts), through
SQLAlchemy: SQLite in the project folder by default, any SQLAlchemy URL (e.g. PostgreSQL) otherwise.

Submission files are not stored here: they stay in the data set's versioned archive
(load/submissions.py), so the command line and the web see the same data.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    inspect,
    select,
    text,
)
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
    # schema version 2: a disabled account cannot log in and its sessions no longer work
    disabled: Mapped[bool] = mapped_column(Integer, default=0, server_default="0")


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


# -- schema versions ---------------------------------------------------------------------------------
#
# The database records its schema version in the one-row table `schema_version`. At startup
# open_database brings an older database up to SCHEMA_VERSION, in one transaction:
#   version 0 (no tables at all): the baseline — every table is created as the models above describe,
#     and the database is then at SCHEMA_VERSION (no step needs to run);
#   no `schema_version` table but the tables exist: a database made before versions were recorded,
#     i.e. version 1;
#   then every step of MIGRATIONS above the recorded version runs in order, tables that are missing
#   (added by a later version) are created, and the new version is written.
# A database whose version is higher than SCHEMA_VERSION (made by a newer reportgen) is refused
# untouched. A new column: add it to the model, add a step here that adds it to an existing table
# with portable DDL (ALTER TABLE … ADD COLUMN … with a DEFAULT for the old rows), and raise SCHEMA_VERSION.

_VERSION_META = MetaData()
SchemaVersion = Table("schema_version", _VERSION_META, Column("version", Integer, nullable=False))


def _add_disabled_column(connection) -> None:
    connection.execute(text("ALTER TABLE accounts ADD COLUMN disabled INTEGER DEFAULT 0 NOT NULL"))


# version reached → the step that reaches it from the version before
MIGRATIONS = {
    2: _add_disabled_column,
}
SCHEMA_VERSION = max(MIGRATIONS, default=1)


class SchemaTooNew(RuntimeError):
    """The database was made or upgraded by a newer reportgen (Chinese message)."""


def _recorded_version(connection) -> int:
    tables = set(inspect(connection).get_table_names())
    if "schema_version" in tables:
        version = connection.execute(select(SchemaVersion.c.version)).scalar()
        if version is not None:
            return int(version)
    return 1 if "accounts" in tables else 0


def migrate(engine) -> tuple[int, int]:
    """Bring the database of `engine` to SCHEMA_VERSION, in one transaction; (version before, after)."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # several instances starting at once: one migrates, the others wait and then find it done
            connection.execute(text("SELECT pg_advisory_xact_lock(7270113)"))
        before = _recorded_version(connection)
        if before > SCHEMA_VERSION:
            raise SchemaTooNew(
                f"网页版数据库（{engine.url.render_as_string(hide_password=True)}）的结构版本为{before}，"
                f"而本程序只认识到第{SCHEMA_VERSION}版：该数据库已由较新版本的 reportgen 建立或升级。"
                "请改用较新版本的 reportgen，或用 --database 指定另一个数据库；数据库未做任何改动。")
        if before == 0:
            Base.metadata.create_all(connection)
        else:
            for version in sorted(v for v in MIGRATIONS if v > before):
                MIGRATIONS[version](connection)
            Base.metadata.create_all(connection)        # tables added by later versions, if missing
        if before != SCHEMA_VERSION or not inspect(connection).has_table("schema_version"):
            _VERSION_META.create_all(connection)
            connection.execute(SchemaVersion.delete())
            connection.execute(SchemaVersion.insert().values(version=SCHEMA_VERSION))
    return before, SCHEMA_VERSION


def _sqlite_transactions(engine) -> None:
    """pysqlite starts a transaction only before data changes and commits before DDL; make BEGIN explicit
    (IMMEDIATE: two processes starting at once migrate one after the other) so the migration's DDL and
    version row commit or roll back together."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def open_database(url: str) -> sessionmaker:
    """The session factory of the database at `url`, brought to the current schema version first
    (see migrate; SchemaTooNew when the database is newer than this program)."""
    sqlite = url.startswith("sqlite")
    kwargs = {"connect_args": {"check_same_thread": False, "timeout": 30}} if sqlite else {}
    if sqlite and url not in ("sqlite://", "sqlite:///:memory:"):     # in memory: one engine, one database
        migrator = create_engine(url, **kwargs)
        _sqlite_transactions(migrator)
        try:
            migrate(migrator)
        finally:
            migrator.dispose()
        engine = create_engine(url, **kwargs)
    else:
        engine = create_engine(url, **kwargs)
        migrate(engine)
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
