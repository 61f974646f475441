"""Evaluation runs started through the API: one at a time per server, in the background,
with progress.

Each job has a folder under the service's evaluations folder (`ApiSettings.
evaluations_path`), named by its id, holding `job.json` (status, progress, times, the
run's record when done) and the files of `api.evaluation_run`. One run at a time: the job's
thread holds an exclusive lock on `.lock` in that folder (``flock``: every worker process
of the server sees it) and writes its id into `.running`; a second start while the lock is
held is refused with that id (`Conflict`). `job.json` is rewritten atomically at least
once a second while the run goes on, so any worker reads the progress. The previous run
(the grade changes) is the latest job that finished.

A job found queued or running when no run holds the lock (the service stopped during it)
is marked failed. Closing the service stops a running job between two enterprises.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import secrets
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from credtrace.api.evaluation_run import STEM, now, run_evaluation
from credtrace.api.http.errors import Conflict
from credtrace.graph import StoreError
from credtrace.graph.model import Label
from credtrace.queries.common import EntityNotFound, QueryError

if TYPE_CHECKING:  # api.http.resources builds the jobs
    from credtrace.api.http.resources import StoreHolder

log = logging.getLogger("credtrace.api")

JOB_FILE = "job.json"
LOCK_FILE, RUNNING_FILE = ".lock", ".running"
#: Seconds between two progress writes of a running job.
PROGRESS_EVERY = 1.0
#: A job id: UTC time of the request (to the microsecond: ids sort in start order) and
#: 8 hex digits.
ID_PATTERN = r"^\d{8}T\d{12}Z-[0-9a-f]{8}$"
Job = dict[str, Any]


def new_id() -> str:
    """A fresh job id (`ID_PATTERN`): sortable by time."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ-") + secrets.token_hex(4)


class Stopped(Exception):
    """The service is closing: the run stops between two enterprises."""


def _save(folder: Path, job: Job) -> None:
    """Write `job.json` in `folder` atomically (readers never see half a file)."""
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".job-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(job, fh, ensure_ascii=False)
    os.replace(tmp, folder / JOB_FILE)


def _lock(folder: Path) -> int | None:
    """The run lock's descriptor if it was free, else None."""
    fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


class EvaluationJobs:
    """The evaluation jobs of one service, kept in `folder`."""

    def __init__(self, folder: Path, store: StoreHolder) -> None:
        self.folder, self.store = folder, store
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.folder.mkdir(parents=True, exist_ok=True)
        self._fail_interrupted()

    # --- reads ------------------------------------------------------------------
    def _jobs(self) -> list[Job]:
        """Every job, newest first."""
        found = []
        for file in sorted(self.folder.glob(f"*/{JOB_FILE}"), reverse=True):
            try:
                found.append(json.loads(file.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                log.warning("unreadable evaluation job file %s", file)
        return found

    def newest(self, limit: int) -> list[Job]:
        return self._jobs()[:limit]

    def get(self, job_id: str) -> Job:
        file = self.folder / job_id / JOB_FILE
        if not file.is_file():
            raise EntityNotFound(f"no evaluation job {job_id!r}")
        job: Job = json.loads(file.read_text(encoding="utf-8"))
        return job

    def result(self, job_id: str, fmt: str) -> Path:
        """The file of a finished job in `fmt`; 404 when the job has no such file, 409
        while it is not done."""
        job = self.get(job_id)
        if job["status"] != "done":
            raise Conflict(f"evaluation {job_id} is {job['status']}: no result yet",
                           job=job_id)
        if fmt not in job["formats"]:
            raise EntityNotFound(f"evaluation {job_id} was not written as {fmt} "
                                 f"(it has {', '.join(job['formats'])})")
        return self.folder / job_id / f"{STEM}.{fmt}"

    def running(self) -> str | None:
        """The id of the run holding the lock (as it wrote it), if any."""
        try:
            return (self.folder / RUNNING_FILE).read_text(encoding="utf-8").strip() or None
        except OSError:
            return None

    # --- runs -------------------------------------------------------------------
    def start(self, job_id: str, *, as_of: str, formats: list[str]) -> Job:
        """Queue a run and start it in the background; `Conflict` while one runs."""
        fd = _lock(self.folder)
        if fd is None:
            running = self.running()
            raise Conflict(f"evaluation {running} is running; one run at a time",
                           job=running)
        try:
            previous = next((j["id"] for j in self._jobs() if j["status"] == "done"), None)
            job: Job = {"id": job_id, "status": "queued", "as_of": as_of,
                        "formats": formats, "previous": previous,
                        "queued": now(), "started": None, "finished": None,
                        "progress": {"done": 0, "total": None}, "run": None, "error": None}
            (self.folder / job_id).mkdir()
            _save(self.folder / job_id, job)
            (self.folder / RUNNING_FILE).write_text(job_id, encoding="utf-8")
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, args=(job, fd), daemon=True,
                                            name=f"evaluation-{job_id}")
            self._thread.start()
        except BaseException:
            os.close(fd)
            raise
        return job

    def _run(self, job: Job, fd: int) -> None:
        out = self.folder / job["id"]
        last = 0.0

        def progress(done: int) -> None:
            nonlocal last
            if self._stop.is_set():
                raise Stopped
            job["progress"]["done"] = done
            if time.monotonic() - last >= PROGRESS_EVERY:
                last = time.monotonic()
                _save(out, job)

        try:
            store = self.store.get()
            job.update(status="running", started=now())
            with self.store.access.read():
                job["progress"]["total"] = store.counts()[Label.ENTERPRISE]
            _save(out, job)
            previous = self.folder / job["previous"] if job["previous"] else None
            record = run_evaluation(store, as_of=job["as_of"], out=out, previous=previous,
                                    formats=job["formats"], progress=progress,
                                    step=self.store.access.read)
            record["previous"] = job["previous"]
            job.update(status="done", run=record,
                       progress={"done": record["enterprises"],
                                 "total": record["enterprises"]})
        except Stopped:
            job.update(status="failed", error="stopped: the service was closed during the run")
        except (QueryError, StoreError) as exc:
            job.update(status="failed", error=str(exc))
        except Exception:
            log.exception("evaluation %s failed", job["id"])
            job.update(status="failed", error="the run failed; the service log has the cause")
        finally:
            job["finished"] = now()
            _save(out, job)
            (self.folder / RUNNING_FILE).unlink(missing_ok=True)
            os.close(fd)

    def _fail_interrupted(self) -> None:
        """Mark failed the jobs left queued or running by a service that stopped."""
        fd = _lock(self.folder)
        running = None if fd is not None else self.running()
        try:
            for job in self._jobs():
                if job["status"] in ("queued", "running") and job["id"] != running:
                    job.update(status="failed", finished=job["finished"] or now(),
                               error="interrupted: the service stopped during the run")
                    _save(self.folder / job["id"], job)
        finally:
            if fd is not None:
                os.close(fd)

    def stop(self) -> None:
        """Ask a running job to stop (between two enterprises)."""
        self._stop.set()

    def close(self) -> None:
        """Stop a running job and wait for it."""
        self.stop()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
