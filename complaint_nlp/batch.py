"""Classifying a stream of complaint rows in chunks, in this process or over worker processes.

Chunks keep memory bounded whatever the stream's length; with ``workers > 1`` each worker process
loads the model once and at most two chunks per worker are in flight. Results come back in the
order of the input.
"""

from __future__ import annotations

import signal
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import TypeVar

from complaint_nlp.classifier import Classification, ComplaintClassifier
from complaint_nlp.persistence import load
from complaint_nlp.rows import Row

__all__ = ["chunked", "classify_chunks"]

T = TypeVar("T")


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (the last one shorter).

    >>> list(chunked(range(5), 2))
    [[0, 1], [2, 3], [4]]
    """
    if size < 1:
        raise ValueError(f"size must be >= 1, got {size}")
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


_WORKER_MODEL: ComplaintClassifier | None = None


def _init_worker(model_path: str | None) -> None:
    global _WORKER_MODEL
    # Ctrl-C reaches the whole process group: the parent stops the pool, workers stay quiet
    # instead of each printing a KeyboardInterrupt traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER_MODEL = load(model_path)


def _classify_in_worker(texts: list[str]) -> list[Classification]:
    assert _WORKER_MODEL is not None
    return _WORKER_MODEL.classify_batch(texts)


def classify_chunks(
    chunks: Iterable[list[Row]],
    model: ComplaintClassifier,
    *,
    workers: int = 1,
    model_path: str | None = None,
) -> Iterator[tuple[list[Row], list[Classification]]]:
    """Each chunk with its classifications, in order. With ``workers > 1`` the chunks are
    classified by that many processes, each loading the model at ``model_path`` (``None``: the
    shipped one), which must be the model ``model`` was loaded from."""
    if workers <= 1:
        for chunk in chunks:
            yield chunk, model.classify_batch([r.text for r in chunk])
        return
    pool = ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(model_path,))
    pending: deque[tuple[list[Row], Future[list[Classification]]]] = deque()
    try:
        for chunk in chunks:
            pending.append((chunk, pool.submit(_classify_in_worker, [r.text for r in chunk])))
            if len(pending) >= 2 * workers:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()
    finally:
        # On an error or an early stop, chunks not yet started are dropped rather than waited for.
        pool.shutdown(wait=True, cancel_futures=True)
