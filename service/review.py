"""The review queue: classified complaints that need a person's look, and the desk's decisions.

Every complaint the classifier flags ``needs_review`` (and every ``high`` not confident enough
to escalate, whatever the flag says) is stored as an *item* by :func:`enqueue`, in the same
database as the feedback: its text, complaint id and the words of its explanation PII-masked,
its labels, confidences, route, deadline and a usefulness score. A reviewer *decides* an item
(:func:`decide`): ``confirm`` the labels shown or ``correct`` them. The decision is stored as a
row of the feedback table, so it reaches ``GET /v1/feedback/export`` and the next training run,
and the item closes, in one transaction that first closes the item with a conditional
``UPDATE ... WHERE status = 'open'``: of two reviewers racing on one item exactly one wins, the
other gets :class:`~service.errors.ConflictError` (409). :func:`undo` reopens the item a
reviewer decided last (within :data:`UNDO_MINUTES`) and deletes its feedback row in the same
transaction, so no export taken after an undo holds the undone decision.

The tables live on :data:`service.database.metadata` (migration 0003); every index
serves one query of :func:`queue_page` so that a page of 100,000 open items is read by index,
not by scanning (``python -m benchmarks.review``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import (
    JSON,
    Column,
    ColumnElement,
    Connection,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    Row,
    String,
    Table,
    Text,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from complaint_nlp import Classification, RoutingTable, TriageResult, mask_pii
from service import feedback
from service.database import Database, metadata
from service.errors import ConflictError, InvalidRequestError, NotFoundError

Status = Literal["open", "decided"]
Order = Literal["oldest", "useful"]
Action = Literal["confirm", "correct"]
#: A result row of any number of columns.
AnyRow = Row[*tuple[Any, ...]]

#: How long after a decision its reviewer may still undo it.
UNDO_MINUTES = 15
#: How long the desk keeps an item it shows to one reviewer away from the others' screens.
CLAIM_SECONDS = 120
#: Usefulness is stored as an integer (score x this): an exact cursor, whatever the database's
#: floating point.
_SCALE = 10_000
#: What a disagreement between two signals adds to an item's usefulness.
DISAGREEMENT_WEIGHT = 0.5

items = Table(
    "review_items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("complaint_id", String(200)),  # masked; None when the caller sent no id
    # The masked id and text, hashed: a retried classification is queued once.
    Column("dedupe_key", String(64), unique=True),
    Column("text", Text, nullable=False),  # masked
    Column("category", String(40), nullable=False),
    Column("category_confidence", Float, nullable=False),
    Column("urgency", String(10), nullable=False),
    Column("urgency_confidence", Float, nullable=False),
    Column("units", JSON, nullable=False),  # the unit head's top codes: [[code, score], ...]
    Column("unit_id", String(40), nullable=False),  # the city unit proposed (see _proposed_unit)
    Column("explanation", JSON, nullable=False),
    Column("safety_signals", JSON, nullable=False),
    Column("cues", JSON, nullable=False),
    Column("route", JSON, nullable=False),
    Column("duplicate_of", JSON),
    Column("usefulness", Integer, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("due_at", DateTime(timezone=True), nullable=False),
    Column("status", String(10), nullable=False),
    Column("claimed_by", String(200)),  # masked reviewer whose desk shows the item now
    Column("claimed_until", DateTime(timezone=True)),
)


def _index_listings() -> None:
    """One index per listing of :func:`queue_page`: the status, then each filter or none, then
    each order (``oldest`` is by id: ids are given in the order complaints arrive), then the
    other filters' columns, so that a second filter is checked in the index, not in the table.

    Measured 2026-11-30 on 100,000 open items (SQLite, ``python -m benchmarks.review``): without
    those last columns, urgency and unit together took 31 ms for a page and 52 ms for its
    count, looking up every item of that urgency in the table; with them, 3.0 and 0.7 ms.
    """
    filters = (items.c.category, items.c.urgency, items.c.unit_id)
    for column in (None, *filters):
        lead = [items.c.status] + ([column] if column is not None else [])
        rest = [f for f in filters if f is not column] if column is not None else []
        name = column.name if column is not None else "status"
        Index(f"ix_review_{name}_oldest", *lead, items.c.id, *rest)
        Index(f"ix_review_{name}_useful", *lead, items.c.usefulness.desc(), items.c.id, *rest)
    Index("ix_review_claimed_by", items.c.claimed_by)


_index_listings()

decisions = Table(
    "review_decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("item_id", Integer, ForeignKey("review_items.id"), nullable=False, index=True),
    Column("reviewer", String(200), nullable=False),  # masked
    Column("action", String(10), nullable=False),
    Column("category", String(40), nullable=False),
    Column("urgency", String(10), nullable=False),
    Column("unit_id", String(40), nullable=False),
    # Set to None when the decision is undone, and its feedback row deleted.
    Column("feedback_id", Integer, ForeignKey("feedback.id")),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Column("undone_at", DateTime(timezone=True)),
    # A reviewer's last decision, for undo.
    Index("ix_review_decisions_reviewer", "reviewer", "id"),
)


def needs_a_person(classification: Classification) -> bool:
    """Whether a complaint enters the queue: flagged ``needs_review``, or a ``high`` not
    confident enough to escalate (the decision rule flags those; this holds even for a model
    or a routing rule that did not)."""
    return classification.needs_review or (
        classification.urgency == "high" and not classification.escalate
    )


def usefulness(classification: Classification, table: RoutingTable) -> float:
    """How much a person's decision on this complaint would teach the model (0 to 2).

    The largest uncertainty of a head, plus :data:`DISAGREEMENT_WEIGHT` for each pair of signals
    that disagree. The unit head's uncertainty is one minus its margin (first score minus
    second); the category and urgency heads give only their top probability ``p`` over ``k``
    labels, so theirs is ``(1 - p) / (1 - 1/k)``: 1 when the head is no surer than chance.
    Disagreements: the unit head points at a city unit that owns another category than the
    category head's (the routing table's ``categories``), and a safety signal matched while the
    urgency is not ``high``. Margin and disagreement are the usual measures of active learning
    (Settles, *Active Learning Literature Survey*, 2009, sections 3.1 and 3.2).
    """
    uncertain = [
        (1 - classification.category_confidence) / (1 - 1 / 5),
        (1 - classification.urgency_confidence) / (1 - 1 / 3),
    ]
    scores = [score for _, score in classification.units]
    if scores:
        uncertain.append(1 - (scores[0] - (scores[1] if len(scores) > 1 else 0.0)))
    disagreements = 0
    if classification.units:
        by_unit = table.handler("unit_codes", classification.units[0][0])
        if by_unit is not None and by_unit.categories:
            disagreements += classification.category not in by_unit.categories
    disagreements += bool(classification.safety_signals) and classification.urgency != "high"
    return min(1.0, max(0.0, *uncertain)) + DISAGREEMENT_WEIGHT * disagreements


def _proposed_unit(result: TriageResult) -> str:
    # A complaint that needs review is routed to the triage desk with the model's best guess
    # attached: the guess is what the reviewer confirms or corrects.
    guess = result.route.best_guess
    return guess["unit_id"] if guess else result.route.unit_id


def _words_in(text: str, words: Sequence[str]) -> list[str]:
    # The explanation was made from the unmasked text: a word that masking removed (a name)
    # is personal data and is not stored.
    present = set(re.findall(r"\w+", text.lower()))
    return [w for w in words if w.lower() in present]


def _row(result: TriageResult, masked: str, table: RoutingTable, now: datetime) -> dict[str, Any]:
    c, route = result.classification, result.route
    complaint_id = mask_pii(result.complaint_id) if result.complaint_id else None
    duplicate = result.duplicate_of
    return {
        "complaint_id": complaint_id,
        "dedupe_key": (
            hashlib.sha256(f"{complaint_id}\x00{masked}".encode()).hexdigest()
            if complaint_id
            else None
        ),
        "text": masked,
        "category": c.category,
        "category_confidence": c.category_confidence,
        "urgency": c.urgency,
        "urgency_confidence": c.urgency_confidence,
        "units": [[code, score] for code, score in c.units],
        "unit_id": _proposed_unit(result),
        "explanation": {head: _words_in(masked, words) for head, words in c.explanation.items()},
        "safety_signals": list(c.safety_signals),
        "cues": list(c.cues),
        "route": route.to_dict(),
        "duplicate_of": (
            {"id": mask_pii(duplicate.id), "similarity": duplicate.similarity}
            if duplicate
            else None
        ),
        "usefulness": round(usefulness(c, table) * _SCALE),
        "received_at": now,
        "due_at": now + timedelta(hours=route.sla_hours),
        "status": "open",
    }


def enqueue(
    database: Database,
    results: Sequence[TriageResult],
    texts: Sequence[str],
    table: RoutingTable,
    *,
    now: datetime | None = None,
    masked: bool = False,
) -> int:
    """Store the complaints among ``results`` that need a person (masked); return how many
    were new. A complaint whose complaint id and text were queued before is not queued again.
    ``masked``: the texts are masked already (by :func:`~complaint_nlp.mask_pii`, as the
    classifier workers do), so they are not masked again here."""
    now = now or datetime.now(UTC)
    rows: dict[str, dict[str, Any]] = {}
    for result, text in zip(results, texts, strict=True):
        if needs_a_person(result.classification):
            row = _row(result, text if masked else mask_pii(text), table, now)
            rows.setdefault(row["dedupe_key"] or f"row-{len(rows)}", row)
    if not rows:
        return 0
    try:
        return _insert_new(database, list(rows.values()))
    except IntegrityError:  # a concurrent request queued the same complaint meanwhile
        return _insert_new(database, list(rows.values()))


def _insert_new(database: Database, rows: list[dict[str, Any]]) -> int:
    with database.transaction() as connection:
        keys = [r["dedupe_key"] for r in rows if r["dedupe_key"]]
        known: set[str] = set()
        for start in range(0, len(keys), 500):  # within every database's parameter limit
            chunk = keys[start : start + 500]
            found = connection.execute(
                select(items.c.dedupe_key).where(items.c.dedupe_key.in_(chunk))
            )
            known.update(found.scalars())
        new = [r for r in rows if r["dedupe_key"] not in known]
        if new:
            connection.execute(insert(items), new)
        return len(new)


# --- Reading the queue -----------------------------------------------------------------------


@dataclass(frozen=True)
class QueueQuery:
    """Which items, in which order, from where (an opaque cursor of an earlier page)."""

    status: Status = "open"
    category: str | None = None
    urgency: str | None = None
    unit: str | None = None
    order: Order = "oldest"
    limit: int = 50
    cursor: str | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        where = [items.c.status == self.status]
        for column, value in (
            (items.c.category, self.category),
            (items.c.urgency, self.urgency),
            (items.c.unit_id, self.unit),
        ):
            if value is not None:
                where.append(column == value)
        return where


@dataclass(frozen=True)
class QueuePage:
    items: list[dict[str, Any]]
    total: int
    next_cursor: str | None


def _encode_cursor(order: Order, item_id: int, usefulness: int) -> str:
    key = [item_id] if order == "oldest" else [usefulness, item_id]
    raw = json.dumps({"order": order, "after": key}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_after(order: Order, item: dict[str, Any]) -> str:
    """The cursor of the items after ``item`` (as :func:`get_item` gives it) in ``order``."""
    return _encode_cursor(order, item["id"], round(item["usefulness"] * _SCALE))


def _decode_cursor(order: Order, cursor: str) -> list[int]:
    bad = InvalidRequestError(
        "cursor is not one this queue gave (use next_cursor as it came, with the same order)"
    )
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value = json.loads(raw)
    except (binascii.Error, ValueError):
        raise bad from None
    size = 1 if order == "oldest" else 2
    if not isinstance(value, dict) or value.get("order") != order:
        raise bad
    after = value.get("after")
    if not (isinstance(after, list) and len(after) == size):
        raise bad
    if not all(type(k) is int and abs(k) < 2**62 for k in after):
        raise bad
    return after


def _after(order: Order, key: list[int]) -> ColumnElement[bool]:
    if order == "oldest":
        return items.c.id > key[0]
    score, last = key
    return or_(items.c.usefulness < score, and_(items.c.usefulness == score, items.c.id > last))


def _ordering(order: Order) -> list[Any]:
    if order == "oldest":
        return [items.c.id]
    return [items.c.usefulness.desc(), items.c.id]


_LIVE = and_(decisions.c.item_id == items.c.id, decisions.c.undone_at.is_(None))
_COLUMNS = [
    *(c for c in items.c if c.name not in ("dedupe_key", "claimed_by", "claimed_until")),
    decisions.c.reviewer,
    decisions.c.action,
    decisions.c.category.label("decided_category"),
    decisions.c.urgency.label("decided_urgency"),
    decisions.c.unit_id.label("decided_unit_id"),
    decisions.c.feedback_id,
    decisions.c.decided_at,
]


def queue_page(database: Database, query: QueueQuery) -> QueuePage:
    """One page of the queue and the number of items the filters match."""
    where = query.conditions()
    listed = list(where)
    if query.cursor is not None:
        listed.append(_after(query.order, _decode_cursor(query.order, query.cursor)))
    with database.faults():
        database.check_schema()
        with database.engine.connect() as connection:
            found = connection.execute(
                select(*_COLUMNS)
                .select_from(items.outerjoin(decisions, _LIVE))
                .where(*listed)
                .order_by(*_ordering(query.order))
                .limit(query.limit + 1)
            ).all()
            total = _count(connection, where)
    more = len(found) > query.limit
    page = found[: query.limit]
    cursor = (
        _encode_cursor(query.order, page[-1].id, page[-1].usefulness) if more and page else None
    )
    return QueuePage([_view(r) for r in page], total, cursor)


def count(database: Database, query: QueueQuery) -> int:
    """How many items match ``query``'s status and filters."""
    with database.faults():
        database.check_schema()
        with database.engine.connect() as connection:
            return _count(connection, query.conditions())


def _count(connection: Connection, where: list[ColumnElement[bool]]) -> int:
    return int(
        connection.execute(select(func.count()).select_from(items).where(*where)).scalar_one()
    )


def get_item(database: Database, item_id: int) -> dict[str, Any]:
    """One item, open or decided; :class:`NotFoundError` if there is none."""
    with database.faults():
        database.check_schema()
        with database.engine.connect() as connection:
            return _view(_fetch(connection, item_id))


def _fetch(connection: Connection, item_id: int) -> AnyRow:
    row = connection.execute(
        select(*_COLUMNS)
        .select_from(items.outerjoin(decisions, _LIVE))
        .where(items.c.id == item_id)
    ).first()
    if row is None:
        raise NotFoundError(f"no review item {item_id}")
    return row


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite gives back naive datetimes; every time stored here is UTC.
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def _view(row: AnyRow) -> dict[str, Any]:
    units = [{"code": code, "score": score} for code, score in row.units]
    return {
        "id": row.id,
        "complaint_id": row.complaint_id,
        "text": row.text,
        "category": row.category,
        "urgency": row.urgency,
        "unit_id": row.unit_id,
        "confidences": {
            "category": row.category_confidence,
            "urgency": row.urgency_confidence,
            "unit": units[0]["score"] if units else 0.0,
        },
        "units": units,
        "explanation": row.explanation,
        "safety_signals": row.safety_signals,
        "cues": row.cues,
        "route": row.route,
        "duplicate_of": row.duplicate_of,
        "usefulness": row.usefulness / _SCALE,
        "received_at": _aware(row.received_at),
        "due_at": _aware(row.due_at),
        "status": row.status,
        "decision": (
            {
                "action": row.action,
                "reviewer": row.reviewer,
                "category": row.decided_category,
                "urgency": row.decided_urgency,
                "unit_id": row.decided_unit_id,
                "feedback_id": row.feedback_id,
                "decided_at": _aware(row.decided_at),
            }
            if row.action is not None
            else None
        ),
    }


def counts(database: Database) -> dict[str, Any]:
    """Open items in all (``open``), and per category, urgency and proposed unit.

    Each is one pass over an index of the open items: 65 ms for the four with 100,000 open
    items (measured 2026-11-30, SQLite, load average 4.8), about 1 ms with 1,000. Decided items
    are not counted: they only grow.
    """
    out: dict[str, Any] = {}
    with database.faults():
        database.check_schema()
        with database.engine.connect() as connection:
            out["open"] = _count(connection, [items.c.status == "open"])
            for column in (items.c.category, items.c.urgency, items.c.unit_id):
                grouped = connection.execute(
                    select(column, func.count()).where(items.c.status == "open").group_by(column)
                )
                out[column.name] = {value: int(n) for value, n in grouped}
    return out


# --- Deciding ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """A reviewer's verdict on an item: ``confirm`` its labels, or ``correct`` some of them
    (those left ``None`` stay as proposed). ``unit_id`` is a unit of the routing table."""

    action: Action
    reviewer: str
    category: str | None = None
    urgency: str | None = None
    unit_id: str | None = None


def unit_code(unit_id: str, units: Sequence[Sequence[Any]], table: RoutingTable) -> str:
    """The model's unit code that a decision for the city unit ``unit_id`` teaches: the unit
    head's best-scored code that unit handles, else the first code it handles ("" for a unit
    that handles none, such as the triage desk; the export then leaves the unit unchanged)."""
    handled = table.by_id[unit_id].unit_codes
    for code, _ in units:
        if code in handled:
            return str(code)
    return handled[0] if handled else ""


def decide(
    database: Database, item_id: int, decision: Decision, table: RoutingTable
) -> dict[str, Any]:
    """Close an open item with ``decision`` and store it as feedback, in one transaction;
    return the closed item. :class:`NotFoundError` (404) for no such item,
    :class:`ConflictError` (409) when it is already decided."""
    if decision.unit_id is not None and decision.unit_id not in table.by_id:
        raise InvalidRequestError(
            "unknown unit_id; use an id of the routing table (route.unit_id, route.alternatives)"
        )
    now = datetime.now(UTC)
    reviewer = mask_pii(decision.reviewer, names=False)
    with database.transaction() as connection:
        # First, and conditionally: this takes the write lock (SQLite) or the row lock
        # (PostgreSQL), so of two reviewers deciding at once the second finds it closed.
        closed = connection.execute(
            update(items)
            .where(items.c.id == item_id, items.c.status == "open")
            .values(status="decided", claimed_by=None, claimed_until=None)
        )
        row = _fetch(connection, item_id)  # 404 if there is no such item
        if closed.rowcount != 1:
            who = f" by {row.reviewer}" if row.reviewer else ""
            raise ConflictError(f"review item {item_id} is already decided{who}")
        category = decision.category or row.category
        urgency = decision.urgency or row.urgency
        unit_id = decision.unit_id or row.unit_id
        feedback_id = feedback.insert_row(
            connection,
            {
                "complaint_id": row.complaint_id or f"review-{item_id}",
                "text": row.text,
                "category": category,
                "urgency": urgency,
                "unit": unit_code(unit_id, row.units, table),
                "reviewer": reviewer,
                "created_at": now,
            },
        )
        connection.execute(
            insert(decisions).values(
                item_id=item_id, reviewer=reviewer, action=decision.action, category=category,
                urgency=urgency, unit_id=unit_id, feedback_id=feedback_id, decided_at=now,
            )
        )  # fmt: skip
        return _view(_fetch(connection, item_id))


def undo(database: Database, reviewer: str) -> dict[str, Any]:
    """Reopen the item ``reviewer`` decided last (within :data:`UNDO_MINUTES`) and delete the
    feedback row of that decision, in one transaction; return the reopened item.
    :class:`ConflictError` (409) when there is nothing to undo."""
    masked = mask_pii(reviewer, names=False)
    now = datetime.now(UTC)
    with database.transaction() as connection:
        last = connection.execute(
            select(decisions.c.id, decisions.c.item_id, decisions.c.feedback_id,
                   decisions.c.decided_at)
            .where(decisions.c.reviewer == masked, decisions.c.undone_at.is_(None))
            .order_by(decisions.c.id.desc())
            .limit(1)
        ).first()  # fmt: skip
        decided_at = _aware(last.decided_at) if last is not None else None
        if last is None or decided_at is None or now - decided_at > timedelta(minutes=UNDO_MINUTES):
            raise ConflictError(
                f"nothing to undo: this reviewer made no decision in the last {UNDO_MINUTES} "
                "minutes that is not undone already"
            )
        undone = connection.execute(
            update(decisions)
            .where(decisions.c.id == last.id, decisions.c.undone_at.is_(None))
            .values(undone_at=now, feedback_id=None)
        )
        if undone.rowcount != 1:  # undone by a concurrent request of the same reviewer
            raise ConflictError("this decision was undone already")
        connection.execute(update(items).where(items.c.id == last.item_id).values(status="open"))
        if last.feedback_id is not None:
            connection.execute(
                delete(feedback.feedback).where(feedback.feedback.c.id == last.feedback_id)
            )
        return _view(_fetch(connection, last.item_id))


# --- The desk's claims ------------------------------------------------------------------------


def _free_for(reviewer: str, now: datetime) -> ColumnElement[bool]:
    return or_(
        items.c.claimed_until.is_(None),
        items.c.claimed_until < now,
        items.c.claimed_by == reviewer,
    )


def claim_next(
    database: Database, reviewer: str, query: QueueQuery
) -> tuple[dict[str, Any] | None, str | None]:
    """The first item of ``query`` that no other reviewer's desk shows now, claimed for
    ``reviewer`` for :data:`CLAIM_SECONDS` (their earlier claims released), and the cursor of
    the items after it. Two reviewers working one queue then see different complaints; the
    claim only steers the desk (:func:`decide` does not look at it)."""
    masked = mask_pii(reviewer, names=False)
    for _ in range(5):  # another desk may claim the same item between our read and our write
        now = datetime.now(UTC)
        where = [*query.conditions(), _free_for(masked, now)]
        if query.cursor is not None:
            where.append(_after(query.order, _decode_cursor(query.order, query.cursor)))
        with database.transaction() as connection:
            row = connection.execute(
                select(items.c.id, items.c.usefulness)
                .where(*where)
                .order_by(*_ordering(query.order))
                .limit(1)
            ).first()
            connection.execute(
                update(items)
                .where(items.c.claimed_by == masked)
                .values(claimed_by=None, claimed_until=None)
            )
            if row is None:
                return None, None
            claimed = connection.execute(
                update(items)
                .where(items.c.id == row.id, _free_for(masked, now))
                .values(claimed_by=masked, claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
            )
            if claimed.rowcount == 1:
                return _view(_fetch(connection, row.id)), _encode_cursor(
                    query.order, row.id, row.usefulness
                )
    return None, None
