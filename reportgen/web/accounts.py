"""Accounts of the web application: created and listed from the command line (`reportgen users`),
checked at login. Passwords are kept only as argon2 hashes; there is never a default password."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select

from .db import ROLES, Account, WebSession, audit

NAME = re.compile(r"^[\w.\-@\u4e00-\u9fff]{2,64}$")
MIN_PASSWORD = 10
_hasher = PasswordHasher()
# verified against when the account does not exist, so a wrong name costs as much time as a wrong password
_DUMMY_HASH = _hasher.hash("reportgen-no-such-account")


class AccountRefused(ValueError):
    """Why an account cannot be created (Chinese)."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(account: Account | None, password: str) -> bool:
    try:
        return _hasher.verify(account.password_hash if account else _DUMMY_HASH, password) and account is not None
    except (VerificationError, InvalidHashError):
        return False


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountRefused(f"密码太短：至少{MIN_PASSWORD}个字符")
    if password.strip() != password or not password.isprintable():
        raise AccountRefused("密码的开头和结尾不能是空格，也不能含控制字符")


def add_account(sessions, name: str, role: str, city: str | None, password: str, units) -> Account:
    """Create an account. `units`: the data set's units, to check a city account's city."""
    name = (name or "").strip()
    if not NAME.match(name):
        raise AccountRefused(f"账号名“{name[:64]}”不符合要求：2～64个字符，只用汉字、字母、数字和 . - _ @")
    if role not in ROLES:
        raise AccountRefused(f"角色应为 office（省大气办）或 city（设区市填报员），实际为“{role}”")
    if role == "city":
        unit = units.find_city(city or "")
        if unit is None:
            names = "、".join(c.name for c in units.cities)
            raise AccountRefused(f"设区市账号须用 --city 指明设区市（{names}），实际为“{city or ''}”")
        city = unit.name
    elif city:
        raise AccountRefused("省大气办（office）账号不属于某个设区市，不要写 --city")
    check_password(password)
    with sessions() as db:
        if db.scalar(select(Account).where(Account.name == name)) is not None:
            raise AccountRefused(f"账号“{name}”已存在")
        account = Account(name=name, role=role, city=city if role == "city" else None,
                          password_hash=hash_password(password))
        db.add(account)
        db.commit()
        audit(db, None, "account", f"账号 {name}", f"已建立（命令行，角色 {role}{'，' + city if city else ''}）")
        return account


def list_accounts(sessions) -> list[Account]:
    with sessions() as db:
        return list(db.scalars(select(Account).order_by(Account.role, Account.city, Account.name)))


def _existing(db, name: str) -> Account:
    account = db.scalar(select(Account).where(Account.name == (name or "").strip()))
    if account is None:
        raise AccountRefused(f"没有账号“{(name or '').strip()[:64]}”（reportgen users list 列出全部账号）")
    return account


def _end_sessions(db, account: Account) -> int:
    return db.execute(delete(WebSession).where(WebSession.account_id == account.id)).rowcount or 0


def set_disabled(sessions, name: str, disabled: bool) -> tuple[Account, bool, int]:
    """Disable or enable an account: (the account, whether its state changed, sessions ended). A
    disabled account's sessions end at once and it cannot log in until enabled again."""
    with sessions() as db:
        account = _existing(db, name)
        changed = bool(account.disabled) != disabled
        account.disabled = int(disabled)
        ended = _end_sessions(db, account) if disabled else 0
        db.commit()
        state = "停用" if disabled else "启用"
        audit(db, None, "account", f"账号 {account.name}",
              (f"已{state}（命令行）" if changed else f"本来就已{state}（命令行）")
              + (f"，结束{ended}个登录会话" if ended else ""))
        return account, changed, ended


def reset_password(sessions, name: str, password: str) -> tuple[Account, int]:
    """Set a new password; every session of the account ends (whoever is logged in must log in again)."""
    check_password(password)
    with sessions() as db:
        account = _existing(db, name)
        account.password_hash = hash_password(password)
        ended = _end_sessions(db, account)
        db.commit()
        audit(db, None, "account", f"账号 {account.name}", f"已重设密码（命令行），结束{ended}个登录会话")
        return account, ended
