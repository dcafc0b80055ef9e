"""Background jobs of the web application: long work (a month's bulletin, all letters, issuing, a
修订说明) runs in a thread while the pages stay usable; its progress and outcome are kept in the
database (db.Job), so the job page can show them and a reload or another server process sees the same.

One job per project at a time: starting one while another runs answers with the running job. A job
whose server died (no heartbeat for STALE_MINUTES) no longer blocks the project: the next start marks
it failed and proceeds.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from .db import Job, audit, now

STALE_MINUTES = 10
HEARTBEAT_SECONDS = 15
PROGRESS_SECONDS = 0.5          # progress is written at most this often (and always at the end)

log = logging.getLogger("reportgen.web")


class JobFailed(Exception):
    """Raised by a job's work: the job failed for a reason the office can act on (Chinese message)."""


@dataclass
class Outcome:
    message: str                # what was done, in words
    link: str = ""              # where to see it
    detail: str = ""            # JSON for the job page (e.g. the rows of a diff report)


class Progress:
    """Handed to a job's work: `progress(done, total, current)` records how far it is."""

    def __init__(self, sessions, job_id: int):
        self.sessions, self.job_id, self._last = sessions, job_id, 0.0

    def __call__(self, done: int, total: int, current: str = "") -> None:
        moment = time.monotonic()
        if done < total and moment - self._last < PROGRESS_SECONDS:
            return
        self._last = moment
        with self.sessions() as db:
            db.execute(update(Job).where(Job.id == self.job_id).values(
                done=done, total=total, current=current[:300], heartbeat=now()))
            db.commit()


class JobRunner:
    def __init__(self, sessions, explain: Callable[[BaseException], str]):
        """`explain(exc)`: the words for an exception the work raised, or None for an unexpected one
        (logged with its traceback; the page says the program failed). JobFailed's message is used as
        it is."""
        self.sessions, self.explain = sessions, explain
        self.threads: dict[int, threading.Thread] = {}

    def active(self) -> Job | None:
        with self.sessions() as db:
            return db.scalar(select(Job).where(Job.slot == 1))

    def start(self, account: str, kind: str, title: str, work: Callable[[Progress], Outcome]) -> tuple[Job, bool]:
        """Start `work` in the background. Returns (job, True), or (the running job, False) when one is
        already running."""
        with self.sessions() as db:
            stale = now() - dt.timedelta(minutes=STALE_MINUTES)
            db.execute(update(Job).where(Job.slot == 1, Job.heartbeat < stale).values(
                slot=None, state="failed", finished=now(),
                message="任务中断：服务器在任务进行中停止或重启，结果不完整。请重新开始。"))
            db.commit()
            job = Job(kind=kind, title=title, account=account, state="running", slot=1, message="", link="",
                      detail="", current="", done=0, total=0)
            db.add(job)
            try:
                db.commit()
            except IntegrityError:
                db.rollback()
                running = db.scalar(select(Job).where(Job.slot == 1))
                if running is None:      # it ended in between: try once more
                    return self.start(account, kind, title, work)
                return running, False
        thread = threading.Thread(target=self._run, args=(job.id, account, title, work), daemon=True,
                                  name=f"reportgen-job-{job.id}")
        self.threads[job.id] = thread
        thread.start()
        return job, True

    def _run(self, job_id: int, account: str, title: str, work) -> None:
        result: dict = {}

        def target():
            try:
                result["outcome"] = work(Progress(self.sessions, job_id))
            except BaseException as exc:  # noqa: BLE001 - every failure ends the job with words for the office
                result["error"] = exc

        inner = threading.Thread(target=target, daemon=True, name=f"reportgen-job-{job_id}-work")
        inner.start()
        while inner.is_alive():
            inner.join(HEARTBEAT_SECONDS)
            with self.sessions() as db:
                db.execute(update(Job).where(Job.id == job_id).values(heartbeat=now()))
                db.commit()
        error = result.get("error")
        if error is None:
            outcome: Outcome = result["outcome"]
            state, message, link, detail = "done", outcome.message, outcome.link, outcome.detail
        else:
            state, link, detail = "failed", "", ""
            message = str(error) if isinstance(error, JobFailed) else self.explain(error)
            if message is None:
                message = f"失败：程序出错（{type(error).__name__}）。请把服务器日志报告给开发人员。"
                log.error("job %s (%s) failed", job_id, title, exc_info=error)
        with self.sessions() as db:
            db.execute(update(Job).where(Job.id == job_id).values(
                state=state, message=message, link=link, detail=detail, finished=now(), heartbeat=now(), slot=None))
            db.commit()
            audit(db, account, "job", title, ("完成：" if state == "done" else "失败：") + message[:500])
        # finished jobs' threads are forgotten, except the latest few (wait() may still be asked about them)
        for key in [k for k, t in self.threads.items() if not t.is_alive() and k != job_id][:-8]:
            self.threads.pop(key, None)

    def wait(self, job_id: int | None = None, timeout: float = 300) -> None:
        """For tests and the load benchmark: until the job's thread (every job's, without `job_id`) has
        finished."""
        for key, thread in list(self.threads.items()):
            if job_id is None or key == job_id:
                thread.join(timeout)
