"""File-system plumbing shared by the commands: atomic writes, exclusive locks, and plain-language
descriptions of environment failures (disk full, read-only, no permission).

Everything that puts a file where users look goes through here, so a killed or failing process never
leaves a half-written file under a real name, and two processes never pick the same name.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import signal
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

TEMP_PREFIX = ".tmp-"   # temporary files of a write in progress; a reader skips them, a lock holder removes them


# -- environment errors --------------------------------------------------------------------------

ENVIRONMENT_ERRNOS = {
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "磁盘配额已用完",
    errno.EROFS: "所在磁盘是只读的",
    errno.EACCES: "没有写入或读取权限",
    errno.EPERM: "没有操作权限",
    errno.EIO: "磁盘读写出错",
    errno.EMFILE: "打开的文件过多",
    errno.ENAMETOOLONG: "路径过长",
    errno.ENOENT: "路径不存在（上级文件夹不存在，或不能在这里新建）",
    errno.ENOTDIR: "路径中有一段是文件而不是文件夹",
    errno.EISDIR: "应是文件的地方是一个文件夹",
}


def environment_problem(exc: BaseException) -> str | None:
    """A Chinese sentence for an OSError caused by the machine (not by the data or a bug), else None."""
    if not isinstance(exc, OSError) or exc.errno not in ENVIRONMENT_ERRNOS:
        return None
    where = f"（{exc.filename}）" if exc.filename else ""
    return f"{ENVIRONMENT_ERRNOS[exc.errno]}{where}"


class EnvironmentFailure(Exception):
    """An environment error worded for the user; raised where the original OSError lacks context."""

    def __init__(self, message: str):
        super().__init__(message)


# -- atomic writes -------------------------------------------------------------------------------

def _file_mode() -> int:
    """The mode a plain open() would give a new file (mkstemp gives 0600, too strict for files an
    office shares)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


FILE_MODE = _file_mode()


def temp_path(folder: Path, suffix: str = "") -> Path:
    """A new, unique, empty file in `folder` for a write in progress (exclusive create)."""
    fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=suffix, dir=folder)
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
    return Path(name)


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def atomic_target(target: Path):
    """Yield a temporary path beside `target`; when the block succeeds it replaces `target` in one
    rename, otherwise it is removed and `target` is untouched. The suffix is kept (writers that
    choose a format by suffix still work)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = temp_path(target.parent, target.suffix)
    try:
        yield temp
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def write_bytes_atomic(target: Path, data: bytes, durable: bool = True) -> None:
    """Replace `target` with `data` in one rename; `durable`: flushed to disk first (skip it for files
    rewritten many times a second, such as the build manifest)."""
    with atomic_target(target) as temp:
        with open(temp, "wb") as f:
            f.write(data)
            if durable:
                f.flush()
                os.fsync(f.fileno())


def link_new_file(folder: Path, data: bytes, name: str) -> Path:
    """Write `data` as folder/name, which must not exist yet (FileExistsError otherwise); the file
    appears complete or not at all."""
    temp = temp_path(folder)
    try:
        with open(temp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.link(temp, folder / name)    # never replaces an existing file
    finally:
        temp.unlink(missing_ok=True)
    fsync_dir(folder)
    return folder / name


def remove_leftovers(folder: Path) -> list[Path]:
    """Temporary files of writes that never finished (call only while holding the folder's lock)."""
    removed = []
    for p in Path(folder).glob(f"{TEMP_PREFIX}*"):
        try:
            p.unlink()
            removed.append(p)
        except OSError:
            pass
    return removed


# -- locks ---------------------------------------------------------------------------------------

class HeldLock:
    def __init__(self, fd: int):
        self.fd = fd
        self.announced = False

    def announce(self) -> None:
        """Write who holds the lock into the lock file, for a process that has to wait (only when
        about to do real work: a run that changes nothing leaves every file untouched). Cleared on
        release, so the lock file is empty at rest."""
        self.announced = True
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, f"进程{os.getpid()}，开始于{time.strftime('%Y-%m-%d %H:%M:%S')}".encode(), 0)


@contextmanager
def exclusive_lock(path: Path, on_wait=None):
    """Hold an exclusive lock on `path` (created if needed) for the block; yields a HeldLock. If
    another process holds it, `on_wait(holder)` is called once with what that process announced (its
    pid and start time), then this waits. The lock goes with the process: a killed holder frees it."""
    path = Path(path)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                try:
                    holder = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip()
                except OSError:
                    holder = ""
                on_wait(holder)
            fcntl.flock(fd, fcntl.LOCK_EX)
        held = HeldLock(fd)
        try:
            yield held
        finally:
            if held.announced:
                os.ftruncate(fd, 0)
    finally:
        os.close(fd)   # closing releases the lock


# -- child processes -----------------------------------------------------------------------------

PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """Process-pool initializer: the worker is killed when the process that started it dies (even by
    kill -9), so no worker outlives an interrupted build."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent_pid:   # the parent died before prctl took effect
        os._exit(1)
