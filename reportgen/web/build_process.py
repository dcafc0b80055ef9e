"""Builds for the web application, in a child process.

A build is CPU-bound Python; run in a thread of the server it shares the GIL with every page the cities
open meanwhile (bench/WEB-LOAD.md: the load test's bulletin job took 19.0 s in a thread, 13.1 s here, on
the same loaded machine). Here the build runs in a process forked from a forkserver (a clean single-threaded
process: forking the threaded server itself could copy a lock some other thread holds), which may fork
its own workers as the command line does. The job's thread waits for it and relays its progress.

What comes back is a plain summary (counts and names), or the failure in the office's words.
"""

from __future__ import annotations

import multiprocessing
import traceback
from pathlib import Path
from types import SimpleNamespace

from .. import resources
from ..problems import DataError

_context = None


def _forkserver():
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(["reportgen.build", "reportgen.web.build_process"])
    return _context


class BuildFailed(Exception):
    """The child's build failed: `explained` holds the words for the office, or None (then `detail`
    holds the child's traceback for the log)."""

    def __init__(self, explained: str | None, detail: str):
        super().__init__(explained or detail)
        self.explained, self.detail = explained, detail


def build_in_child(data_dir: Path, out_dir: Path, profile_name, progress=None, **options) -> SimpleNamespace:
    """build(data_dir, out_dir, Profile.load(profile_name), **options) in a child process. `progress`
    is called here as (done, total, title). The child builds with one worker, in itself: that keeps the
    other core for the server's pages, and a daemonic process may not start a pool of its own.
    Returns SimpleNamespace(written, unchanged, failed, held_back, skipped); raises BuildFailed."""
    ctx = _forkserver()
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, name="reportgen-web-build", daemon=True,
                        args=(send, str(data_dir), str(out_dir), profile_name, resources.current(), options))
    child.start()
    send.close()
    try:
        while True:
            try:
                kind, *payload = receive.recv()
            except EOFError:
                child.join(5)
                raise BuildFailed(None, f"the build process ended without an answer (exit code {child.exitcode})") \
                    from None
            if kind == "progress":
                if progress is not None:
                    progress(*payload)
            elif kind == "done":
                return payload[0]
            else:
                raise BuildFailed(*payload)
    finally:
        receive.close()
        child.join(30)
        if child.is_alive():
            child.kill()


def _child(send, data_dir: str, out_dir: str, profile_name, overrides, options: dict) -> None:
    from ..build import build
    from ..profile import Profile

    resources.use(overrides)
    try:
        def relay(done, total, doc, seconds):
            send.send(("progress", done + 1, total, doc.title))

        result = build(Path(data_dir), Path(out_dir), Profile.load(profile_name), jobs=1, progress=relay, **options)
        send.send(("done", SimpleNamespace(
            written=[str(w.path) for w in result.written], unchanged=result.unchanged,
            failed=[(str(name), str(why)) for name, why in result.failed],
            held_back=dict.fromkeys(str(k) for k in result.held_back), skipped=[str(s) for s in result.skipped])))
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the job, in words
        send.send(("failed", explain_failure(exc), "".join(traceback.format_exception(exc))))
    finally:
        send.close()


def explain_failure(exc: BaseException) -> str | None:
    """Words for the office about a job that failed; None when the failure is unexpected (the job
    runner logs it and says the program failed)."""
    from ..build import FontFilesMissing, NoSubmissions
    from ..issuing import IssueRefused

    if isinstance(exc, DataError):
        shown = "；".join(str(e) for e in exc.problems[:5])
        more = f"（另有{len(exc.problems) - 5}处）" if len(exc.problems) > 5 else ""
        return f"数据有错误，未完成：{shown}{more}。请省大气办运行 reportgen validate 列出全部问题。"
    if isinstance(exc, IssueRefused):
        return f"未印发：{exc}。"
    if isinstance(exc, NoSubmissions):
        return f"未生成：{exc}"
    if isinstance(exc, FontFilesMissing):
        return f"未生成：缺少字体文件（{exc}）。请把字体文件放入项目的 fonts 文件夹。"
    return None
