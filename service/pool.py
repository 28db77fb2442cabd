"""Classification in worker processes, off the event loop, with a time budget per request.

Measured before (issue #12): classification ran on the event loop, so one pathological text
(7.4 s in normalize) stalled every request, ``/healthz`` included, and p95 at 100 requests/s went
from 3.9 ms to 5,079 ms. Threads would not help: the regular expressions that stall run in C
holding the GIL, and a thread cannot be stopped. So each request's texts go to one of
``workers`` processes that each load the model; the event loop only waits on their pipes.

Bounded everywhere: at most ``queue`` requests wait for a free worker (more get 503 at once), and
a request not classified within ``timeout`` seconds (waiting included) gets 503; if its worker is
still busy with it, that worker is killed and replaced, so a slow input costs its own budget and
never more.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext, SpawnContext
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, NamedTuple

from complaint_nlp import Classification
from service import _worker
from service.errors import (
    ClassifyTimeoutError,
    NotReadyError,
    OverloadedError,
    ServiceError,
    UnavailableError,
)

log = logging.getLogger("complaint_nlp.service")

#: How long workers may take to load the model when the pool starts.
START_SECONDS = 120.0
#: Requests with more text than this are handed to their worker from a thread.
_SEND_INLINE_CHARS = 100_000


class WorkerError(ServiceError, RuntimeError):
    """A worker could not start, or raised while classifying (a bug: answered 500)."""


# repr=False: a task holds complaint texts (personal data, up to 20 MB), which must never reach
# a log or an error message; a generated repr of them also cost 0.24 s on the event loop.
@dataclass(eq=False, repr=False)
class _Task:
    texts: list[str]
    future: asyncio.Future[Classified]


@dataclass(eq=False, repr=False)
class _Worker:
    process: BaseProcess
    connection: Connection
    #: Resolved when the worker has loaded the model (only the first workers are awaited).
    started: asyncio.Future[None]
    reader: threading.Thread | None = None
    ready: bool = False
    task: _Task | None = None


def _context() -> ForkServerContext | SpawnContext:
    # forkserver: workers fork from a clean server that has imported complaint_nlp once (fork
    # from this threaded process is unsafe; spawn re-imports numpy for every worker).
    if "forkserver" in multiprocessing.get_all_start_methods():
        forkserver = multiprocessing.get_context("forkserver")
        forkserver.set_forkserver_preload(["complaint_nlp"])
        return forkserver
    return multiprocessing.get_context("spawn")


class Classified(NamedTuple):
    """A worker's answer: each text's classification, and each text PII-masked."""

    classifications: list[Classification]
    masked: list[str]


class ClassifierPool:
    """``workers`` processes classifying with the model in ``model_dir``."""

    def __init__(
        self,
        model_dir: Path,
        model_sha256: str | None,
        *,
        workers: int,
        queue: int,
        timeout: float,
    ) -> None:
        self.model_dir = model_dir
        self.model_sha256 = model_sha256
        self.size = workers
        self.queue_limit = queue
        self.timeout = timeout
        self.failure: str | None = None
        #: Called with :attr:`waiting` and :attr:`busy` whenever either may have changed.
        self.on_change: Callable[[int, int], None] | None = None
        self._context = _context()
        self._workers: list[_Worker] = []
        self._idle: deque[_Worker] = deque()
        self._waiting: deque[_Task] = deque()
        self._closing = False

    @property
    def ready(self) -> bool:
        """Some worker can classify now."""
        return self.failure is None and any(w.ready for w in self._workers)

    @property
    def waiting(self) -> int:
        """Requests waiting for a free worker."""
        return sum(not task.future.done() for task in self._waiting)

    @property
    def busy(self) -> int:
        """Workers classifying now."""
        return sum(worker.task is not None for worker in self._workers)

    async def start(self) -> None:
        """Start the workers and wait until they have loaded the model; on failure,
        :attr:`failure` says why and the pool stays not ready."""
        starting = [self._spawn() for _ in range(self.size)]
        try:
            async with asyncio.timeout(START_SECONDS):
                for worker in starting:
                    await worker.started
        except TimeoutError:
            self.failure = f"classifier workers did not start within {START_SECONDS:.0f} s"
        except WorkerError as exc:
            self.failure = str(exc)

    async def classify(self, texts: list[str]) -> Classified:
        """The classifications of ``texts`` and the texts masked, by a worker, within the time
        budget."""
        if self.failure is not None or not self._workers:
            raise NotReadyError("the model is not loaded", retry_after=30)
        # With every worker being replaced, the request waits for one, within its budget.
        if self.waiting >= self.queue_limit:
            raise OverloadedError(
                f"all {self.size} classifier workers are busy and {self.queue_limit} requests "
                "wait; try again shortly"
            )
        task = _Task(texts, asyncio.get_running_loop().create_future())
        self._waiting.append(task)
        self._dispatch()
        try:
            async with asyncio.timeout(self.timeout):
                return await task.future
        except TimeoutError:
            raise ClassifyTimeoutError(
                f"classification took longer than the budget of {self.timeout:g} s; send "
                "shorter texts or smaller batches, or try again"
            ) from None
        finally:
            self._abandon(task)

    async def close(self) -> None:
        self._closing = True
        workers, self._workers = self._workers, []
        for worker in workers:
            self._forget(worker)
            # Stopped here, not in a thread: the app may stop at interpreter exit, when no new
            # threads can start.
            self._stop(worker)

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_worker.serve, args=(child, str(self.model_dir)), daemon=True,
            name="complaint-classifier",
        )  # fmt: skip
        process.start()
        child.close()
        loop = asyncio.get_running_loop()
        started: asyncio.Future[None] = loop.create_future()
        # Read here, so that a replacement nobody awaits leaves no "never retrieved" error.
        started.add_done_callback(lambda f: f.cancelled() or f.exception())
        worker = _Worker(process, parent, started)
        # A thread per worker reads its pipe with blocking calls: event loops that poll a file
        # descriptor may make it non-blocking (uvloop does), and a large answer then arrives
        # in pieces that Connection.recv cannot take.
        worker.reader = threading.Thread(
            target=self._read, args=(worker, loop), name="classifier-reader", daemon=True
        )
        worker.reader.start()
        self._workers.append(worker)
        return worker

    def _read(self, worker: _Worker, loop: asyncio.AbstractEventLoop) -> None:
        """In the reader thread: hand each message to the event loop until the pipe ends."""
        while True:
            try:
                message = worker.connection.recv()
            except (EOFError, OSError):  # the worker exited or was killed
                with contextlib.suppress(RuntimeError):  # the loop is closed: shutting down
                    loop.call_soon_threadsafe(self._lost, worker)
                return
            try:
                loop.call_soon_threadsafe(self._on_message, worker, message)
            except RuntimeError:
                return

    def _on_message(self, worker: _Worker, message: tuple[str, Any]) -> None:
        if worker not in self._workers:  # killed meanwhile
            return
        kind, payload = message
        if kind == "ready":
            if self.model_sha256 is not None and payload != self.model_sha256:
                self._fail_start(worker, "a worker loaded another model than this process read")
                return
            worker.ready = True
            worker.started.set_result(None)
        elif kind == "failed":
            self._fail_start(worker, payload)
            return
        else:
            task, worker.task = worker.task, None
            if task is not None and not task.future.done():
                if kind == "ok":
                    task.future.set_result(Classified(*payload))
                else:  # only the exception's type: its message may quote the text
                    log.error("classification failed in a worker: %s", payload)
                    task.future.set_exception(WorkerError("classification failed; see the logs"))
        self._idle.append(worker)
        self._dispatch()

    def _fail_start(self, worker: _Worker, reason: str) -> None:
        log.error("classifier worker cannot start: %s", reason)
        self.failure = reason
        worker.started.set_exception(WorkerError(reason))
        self._lost(worker)

    def _dispatch(self) -> None:
        while self._idle and self._waiting:
            task = self._waiting.popleft()
            if task.future.done():  # abandoned while it waited
                continue
            worker = self._idle.popleft()
            worker.task = task
            if sum(map(len, task.texts)) > _SEND_INLINE_CHARS:
                # The write waits until the worker has read it all (20 MB for the largest
                # batch): in a thread, so the event loop goes on. A failed write means the
                # worker died, which its reader thread reports.
                asyncio.get_running_loop().run_in_executor(None, self._send, worker, task)
                continue
            try:
                worker.connection.send(task.texts)
            except OSError:  # the worker died since it was idle: try the next one
                worker.task = None
                self._waiting.appendleft(task)
                self._lost(worker)
        self._changed()

    @staticmethod
    def _send(worker: _Worker, task: _Task) -> None:
        with contextlib.suppress(OSError):
            worker.connection.send(task.texts)

    def _abandon(self, task: _Task) -> None:
        """The request is over (answered, timed out or cancelled): forget its task, and kill the
        worker still busy with it, which is the only way to stop that work."""
        if not task.future.done():
            task.future.cancel()
        for worker in self._workers:
            if worker.task is task:
                log.warning("killing a classifier worker past the time budget")
                worker.process.kill()
                self._lost(worker)
                break
        self._changed()

    def _lost(self, worker: _Worker) -> None:
        """A worker died or was killed: fail its task and start another in its place."""
        if worker not in self._workers:
            return
        self._forget(worker)
        self._workers.remove(worker)
        if worker.task is not None and not worker.task.future.done():
            log.error("a classifier worker stopped (exit code %s)", worker.process.exitcode)
            worker.task.future.set_exception(
                UnavailableError("the classifier worker stopped; try again")
            )
        asyncio.get_running_loop().run_in_executor(None, self._stop, worker)
        if not self._closing and self.failure is None:
            self._spawn()
        self._changed()

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change(self.waiting, self.busy)

    def _forget(self, worker: _Worker) -> None:
        worker.ready = False
        if worker in self._idle:
            self._idle.remove(worker)
        if not worker.started.done():
            worker.started.set_exception(WorkerError("a classifier worker stopped while starting"))

    @staticmethod
    def _stop(worker: _Worker) -> None:
        """End the worker process, then its reader thread (which sees the pipe end), then the
        pipe: closing it first would leave the thread reading a closed descriptor."""
        worker.process.terminate()  # it may be classifying; its work is no longer wanted
        worker.process.join(timeout=5)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
        if worker.reader is not None:
            worker.reader.join(timeout=5)
        worker.connection.close()
