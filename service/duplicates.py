"""The duplicate window, shared through the database by every process that serves it.

A citizen's re-send must be caught whichever process gets it (``python -m service --workers N``,
or instances behind a load balancer). Each process keeps the window in memory, as one process
did (:class:`complaint_nlp.DuplicateIndex`: the search stays a sparse product, not a query), and
the database keeps the order: ``duplicate_signatures`` holds each complaint's signature (its
hashed word pairs, no text) and id under a sequence number, and ``duplicate_clock`` the last
number given. A check is one transaction:

1. ``UPDATE duplicate_clock`` takes the numbers for this request's complaints, and with them the
   row's lock: SQLite's write lock, a row lock in PostgreSQL. Checks of all processes therefore
   run one at a time, in the order of their numbers.
2. The signatures other processes stored since this one last looked join its window, in order.
3. This request's complaints are checked against the window and join it.
4. Their signatures are stored; every 512 numbers, those that left the window are deleted.

So every process checks against exactly the window one process would have had: the recall of a
single process, measured on the Surabaya re-sends, holds with the stream split across processes
(``scripts/evaluate_duplicates.py --processes 2``). A new process loads the window from the
table; so does a restarted one, which before lost it.

When the database cannot be written within its timeout, a check is made against this process's
window alone (the request still gets its answer: classification never depended on the
database), a warning is logged, and the database is tried again after ``RETRY_AFTER`` seconds.
Ids are stored PII-masked like feedback's, so ``duplicate_of`` names the masked id.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Integer,
    LargeBinary,
    Table,
    Text,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)

from complaint_nlp import DuplicateIndex, DuplicateMatch, mask_pii
from complaint_nlp._validation import ensure_texts
from service.database import RETRY_AFTER, Database, metadata
from service.errors import DatabaseUnavailableError

log = logging.getLogger("complaint_nlp.service")

signatures = Table(
    "duplicate_signatures",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("complaint_id", Text, nullable=False),
    Column("features", LargeBinary, nullable=False),
)
#: One row (id 1, made by the migration): the last sequence number given.
clock = Table(
    "duplicate_clock",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("last_seq", BigInteger, nullable=False),
)
#: Rows that left the window are deleted when the sequence crosses a multiple of this.
PRUNE_EVERY = 512
#: A request waits this long at most for its check. A locked database gives up far sooner (its
#: timeout) and the check goes on locally; only a database that hangs takes this long, and the
#: request is answered 503.
CHECK_SECONDS = 30
# Built once: building a statement costs more than SQLite takes to run it. Measured 2026-11-30
# on SQLite, one process: a check's transaction took 0.59 ms with its statements built each
# time (and the catch-up query run when nothing was new), 0.14 ms as it is.
_TAKE_NUMBERS = (
    update(clock)
    .where(clock.c.id == 1)
    .values(last_seq=clock.c.last_seq + bindparam("count"))
    .returning(clock.c.last_seq)
)
_STORED_BETWEEN = (
    select(signatures.c.complaint_id, signatures.c.features)
    .where(signatures.c.seq > bindparam("after"), signatures.c.seq <= bindparam("upto"))
    .order_by(signatures.c.seq)
)
_STORE = insert(signatures)
_PRUNE = delete(signatures).where(signatures.c.seq <= bindparam("oldest"))


@dataclass(eq=False, repr=False)  # no repr: it holds complaint texts
class _Request:
    texts: list[str]
    ids: list[str | None]
    future: asyncio.Future[list[DuplicateMatch | None]] | None = None
    result: list[DuplicateMatch | None] | BaseException | None = None


class SharedDuplicates:
    """Duplicate checks against the window of ``window`` complaints that every process using
    ``database`` shares.

    In the service, :meth:`check` hands requests to one thread of this process, which takes
    every request waiting when it is free into one transaction (a group commit): under load a
    process makes one transaction, and one vectorizer call, per group of requests. Measured
    2026-11-30 under 50 concurrent clients: a pool thread per request that queued on a lock
    cost 0.8 ms more CPU per request than checking on the event loop had. ``database`` may be
    one that is not durable (:class:`~service.database.Database`): a power cut that loses the
    last signatures loses only a few duplicate flags.
    """

    def __init__(self, database: Database, *, window: int, threshold: float | None = None) -> None:
        options = {} if threshold is None else {"threshold": threshold}
        self.index = DuplicateIndex(window=window, **options)
        self.database = database
        self.window = window
        #: The last sequence number this process's window holds.
        self.seen = 0
        #: Held while a group is checked: by the checker thread, or a caller of check_batch.
        self._lock = threading.Lock()
        self._queue: queue.SimpleQueue[_Request | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._retry_at = 0.0

    def load(self) -> None:
        """Fill the window from the database (when the service starts); a database that cannot
        be read now is read by the first check that reaches it."""
        with self._lock, self.database.transaction() as connection:
            newest = connection.execute(select(func.max(signatures.c.seq))).scalar_one()
            self._catch_up(connection, newest or 0)

    def start(self) -> None:
        """Start the checker thread that :meth:`check` hands requests to (from this loop)."""
        self._loop = asyncio.get_running_loop()
        self._thread = threading.Thread(target=self._serve, name="duplicate-checker", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop the checker thread once the requests handed to it are answered."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=30)

    async def check(self, texts: list[str], ids: list[str | None]) -> list[DuplicateMatch | None]:
        """:meth:`check_batch` in the checker thread; the event loop goes on meanwhile."""
        if self._thread is None:
            raise RuntimeError("SharedDuplicates.start() was not called")
        future: asyncio.Future[list[DuplicateMatch | None]]
        future = asyncio.get_running_loop().create_future()
        self._queue.put(_Request(texts, ids, future))
        try:
            async with asyncio.timeout(CHECK_SECONDS):
                return await future
        except TimeoutError:
            log.error("a duplicate check took over %d s: the database hangs", CHECK_SECONDS)
            raise DatabaseUnavailableError(
                "the duplicate check did not finish in time; try again", retry_after=RETRY_AFTER
            ) from None

    def check_batch(
        self, texts: Iterable[str], ids: Iterable[str | None] | None = None
    ) -> list[DuplicateMatch | None]:
        """For each text in order: its likely earlier duplicate in the shared window (or earlier
        in this batch), or ``None``; then the text joins the window."""
        items = ensure_texts(texts)
        given: list[str | None] = [None] * len(items) if ids is None else list(ids)
        if len(given) != len(items):
            raise ValueError(f"{len(items)} texts but {len(given)} ids")
        request = _Request(items, given)
        with self._lock:
            self._check([request])
        if isinstance(request.result, BaseException):
            raise request.result
        assert request.result is not None
        return request.result

    def _serve(self) -> None:
        """The checker thread: each time, every request waiting, in one group."""
        stopping = False
        while not stopping:
            group = []
            request = self._queue.get()
            while request is not None:
                group.append(request)
                try:
                    request = self._queue.get_nowait()
                except queue.Empty:
                    break
            stopping = request is None
            if group:
                with self._lock:
                    self._check(group)
                assert self._loop is not None
                with contextlib.suppress(RuntimeError):  # the loop is closed: shutting down
                    self._loop.call_soon_threadsafe(_answer, group)

    def _check(self, group: list[_Request]) -> None:
        """Set each request's result: its matches, or the error that failed the group."""
        try:
            texts = [t for r in group for t in r.texts]
            ids = [None if i is None else mask_pii(i) for r in group for i in r.ids]
            found = self.index.signatures(texts) if texts else []
            matches = None
            if found and time.monotonic() >= self._retry_at:
                try:
                    matches = self._shared_check(found, ids)
                except DatabaseUnavailableError:
                    self._backoff()
            if matches is None:
                matches = self.index.check_signatures(found, ids)
        except Exception as exc:  # a bug: every request of the group is answered 500
            for request in group:
                request.result = exc
            return
        start = 0
        for request in group:
            request.result = matches[start : start + len(request.texts)]
            start += len(request.texts)

    def _shared_check(
        self, found: list[bytes], ids: Sequence[str | None]
    ) -> list[DuplicateMatch | None]:
        matches: list[DuplicateMatch | None] | None = None
        try:
            with self.database.transaction() as connection:
                last = connection.execute(_TAKE_NUMBERS, {"count": len(found)}).scalar_one()
                first = last - len(found) + 1
                self._catch_up(connection, first - 1)
                # An id-less complaint is named by its number, the same in every process.
                names = [i if i is not None else f"auto-{first + k}" for k, i in enumerate(ids)]
                matches = self.index.check_signatures(found, names)
                rows = zip(range(first, last + 1), names, found, strict=True)
                connection.execute(
                    _STORE, [{"seq": s, "complaint_id": n, "features": f} for s, n, f in rows]
                )
                if (first - 1) // PRUNE_EVERY != last // PRUNE_EVERY:
                    connection.execute(_PRUNE, {"oldest": last - self.window - PRUNE_EVERY})
        except DatabaseUnavailableError:
            if matches is None:
                raise
            # Checked, but not stored: only this process's window holds these complaints.
            self._backoff()
            return matches
        self.seen = last
        return matches

    def _backoff(self) -> None:
        self._retry_at = time.monotonic() + RETRY_AFTER
        log.warning(
            "duplicate check against this process's window only: the database is unavailable "
            "(tried again in %d s)", RETRY_AFTER,
        )  # fmt: skip

    def _catch_up(self, connection: Connection, upto: int) -> None:
        """Add the stored signatures after :attr:`seen` up to ``upto`` (other processes')."""
        start = max(self.seen, upto - self.window)
        if upto <= start:  # no other process stored any since (always so for one process)
            return
        rows = connection.execute(_STORED_BETWEEN, {"after": start, "upto": upto}).all()
        self.index.add_signatures([r.features for r in rows], [r.complaint_id for r in rows])
        self.seen = upto


def _answer(group: list[_Request]) -> None:
    """On the event loop: settle the futures of a checked group (unless abandoned)."""
    for request in group:
        future, result = request.future, request.result
        if future is None or future.done():
            continue
        if isinstance(result, BaseException):
            future.set_exception(result)
        else:
            assert result is not None
            future.set_result(result)
