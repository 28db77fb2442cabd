"""The code of a classifier worker process (see :mod:`service.pool`).

Kept apart so that a worker imports complaint_nlp and nothing of the web stack.
"""

from __future__ import annotations

import os
import signal
from multiprocessing.connection import Connection

import complaint_nlp
from complaint_nlp import mask_pii

NICENESS = 5


def serve(connection: Connection, model_dir: str) -> None:
    """Load the model, say so, then classify each list of texts received until the pipe closes.

    Messages sent: ``("ready", model_sha256)``, ``("failed", reason)``, ``("ok", (results,
    masked texts))``, ``("error", reason)``.
    """
    # Ctrl-C reaches the whole process group; the parent decides when its workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Below the parent's priority: the event loop (health checks, answering, routing) gets the
    # CPU first, and a worker stuck on a huge batch takes less of it from the others.
    os.nice(NICENESS)
    try:
        model = complaint_nlp.load(model_dir)
    except complaint_nlp.ComplaintNLPError as exc:
        connection.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    connection.send(("ready", model.metadata.get("model_sha256")))
    while True:
        try:
            texts = connection.recv()
        except (EOFError, OSError):  # the parent closed the pipe or is gone
            return
        try:
            # The texts are masked here too, for whatever the service stores or logs: masking
            # 50 texts of 20,000 characters took 0.6 s in a thread of the HTTP process, whose
            # event loop then waited for the GIL (p95 at 100 requests/s 23 -> 308 ms).
            connection.send(("ok", (model.classify_batch(texts), list(map(mask_pii, texts)))))
        # Reported to the parent, which answers that request with a 500 and logs the type (the
        # message may quote the text); the worker stays usable for the next one.
        except Exception as exc:
            connection.send(("error", type(exc).__name__))
