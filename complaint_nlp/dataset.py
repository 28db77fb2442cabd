"""Building the training table from raw complaints, our annotations and the label mappings.

The build masks personal data, removes exact and normalised duplicates *before* splitting, labels
each complaint (annotations override the topic mapping; feedback overrides both) and splits by
time: the last ``test_months`` calendar months are the test set, the ``validation_months`` before
them the validation set, everything older the training set.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from complaint_nlp._resources import PathLike
from complaint_nlp.exceptions import DataFileError
from complaint_nlp.labels import CATEGORIES, UNITS, URGENCIES
from complaint_nlp.normalize import normalize
from complaint_nlp.pii import mask_pii
from complaint_nlp.spreadsheet import unescape_cell

__all__ = [
    "COLUMNS",
    "DatasetStats",
    "Record",
    "build_dataset",
    "file_sha256",
    "read_dataset",
    "write_dataset",
]

#: Columns of the processed table, in order.
COLUMNS = ("id", "date", "text", "category", "urgency", "unit", "label_source", "split")
SPLITS = ("train", "validation", "test")


@dataclass(frozen=True)
class Record:
    """One de-duplicated, PII-masked complaint with its labels ("" where unknown)."""

    id: str
    date: date
    text: str
    category: str
    urgency: str
    unit: str
    label_source: str
    split: str = ""


@dataclass
class DatasetStats:
    """What the build did, for the datasheet and the progress output."""

    read: int = 0
    empty: int = 0
    duplicates: int = 0
    kept: int = 0
    annotated: int = 0
    feedback: int = 0
    #: corrections matched to a source complaint by their text, not their id
    feedback_by_text: int = 0
    split_dates: dict[str, str] = field(default_factory=dict)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def malformed_csv(path: PathLike, line: int, exc: csv.Error) -> DataFileError:
    """The csv module's complaint about ``path`` as one line naming the file and the line
    ("field larger than field limit (131072)" read as a crash in a script)."""
    message = str(exc)
    if "field limit" in message:
        message = f"a field is longer than {csv.field_size_limit():,} characters"
    return DataFileError(f"{path}:{line}: not a readable CSV row: {message}")


def checked_rows(
    path: PathLike, reader: csv.DictReader[str]
) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of ``reader`` (a :class:`csv.DictReader` of ``path``), each with the line it
    starts on; a row with more or fewer fields than the header is a :class:`DataFileError`. (A
    short row read its missing fields as ``None``, a long one lost the rest without a word: a
    data scientist's trial, 2026-12-01.)"""
    width = len(reader.fieldnames or ())
    last = reader.line_num
    for row in reader:
        line, last = last + 1, reader.line_num
        extra: list[str] | None = row.pop(None, None)  # type: ignore[assignment]
        if extra is not None:
            raise DataFileError(
                f"{path}:{line}: {width + len(extra)} fields, the header has {width}"
            )
        if None in row.values():
            fields = sum(value is not None for value in row.values())
            raise DataFileError(
                f"{path}:{line}: {fields} fields, the header has {width} (a quote never closed?)"
            )
        yield line, row


def _read_csv(path: PathLike, required: Iterable[str]) -> list[dict[str, str]]:
    reader = None
    try:
        # utf-8-sig: a spreadsheet's "CSV UTF-8" starts with a byte-order mark, which read as
        # part of the first column's name ("missing column(s) complaint_id").
        with Path(path).open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = set(required) - set(reader.fieldnames or ())
            if missing:
                raise DataFileError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
            return [row for _, row in checked_rows(path, reader)]
    except FileNotFoundError:
        raise DataFileError(f"data file not found: {path}") from None
    except UnicodeDecodeError as exc:
        raise DataFileError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except csv.Error as exc:
        raise malformed_csv(path, reader.line_num + 1 if reader else 1, exc) from None


def _read_mapping(path: PathLike, key: str, value: str, allowed: Iterable[str]) -> dict[str, str]:
    allowed = set(allowed)
    mapping = {}
    for line, row in enumerate(_read_csv(path, (key, value)), start=2):
        if row[value] not in allowed:
            raise DataFileError(f"{path}:{line}: unknown {value} {row[value]!r}")
        mapping[row[key]] = row[value]
    return mapping


def _parse_date(raw: str, where: str) -> date:
    try:
        return datetime.fromisoformat(raw.strip()).date()
    except ValueError:
        raise DataFileError(f"{where}: cannot read date {raw!r}") from None


def _month_start(day: date, months_back: int) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def _split_of(day: date, validation_start: date, test_start: date) -> str:
    if day >= test_start:
        return "test"
    return "validation" if day >= validation_start else "train"


def read_feedback(path: PathLike) -> dict[str, dict[str, str]]:
    """Corrections exported by the service: ``complaint_id,text,category,urgency,unit``, with the
    export's formula escapes (:mod:`complaint_nlp.spreadsheet`) undone, by complaint id.

    A complaint corrected twice keeps its later correction. The service stores ids PII-masked,
    so two complaints may share one (``WA-[TELEPON]``): a row whose id is taken by another text
    is another complaint, kept as ``<id>#2``, ``#3``... (before, it replaced the first)."""
    rows = [
        {k: unescape_cell(v) if isinstance(v, str) else v for k, v in row.items()}
        for row in _read_csv(path, ("complaint_id", "text", "category", "urgency", "unit"))
    ]
    for line, row in enumerate(rows, start=2):
        for column, allowed in (("category", CATEGORIES), ("urgency", URGENCIES), ("unit", UNITS)):
            if row[column] and row[column] not in allowed:
                raise DataFileError(f"{path}:{line}: unknown {column} {row[column]!r}")
    corrections: dict[str, dict[str, str]] = {}
    keys: dict[tuple[str, str], str] = {}  # (id, normalised text) -> its key
    texts_of: Counter[str] = Counter()  # distinct texts seen under each id
    for row in rows:
        # Masked as the service stores it: a file made by hand wrote "WA-0812..." into
        # datasets/processed/ as it was.
        complaint_id = mask_pii(row["complaint_id"])
        key = keys.get((complaint_id, normalize(row["text"])))
        if key is None:
            texts_of[complaint_id] += 1
            n = texts_of[complaint_id]
            key = complaint_id if n == 1 else f"{complaint_id}#{n}"
            keys[complaint_id, normalize(row["text"])] = key
        corrections[key] = row
    return corrections


def build_dataset(
    complaints: PathLike,
    annotations: PathLike,
    topic_map: PathLike,
    agency_map: PathLike,
    *,
    feedback: PathLike | None = None,
    test_months: int = 2,
    validation_months: int = 2,
) -> tuple[list[Record], DatasetStats]:
    """Build the processed table; see the module docstring for the rules."""
    topics = _read_mapping(topic_map, "topik", "category", CATEGORIES)
    agencies = _read_mapping(agency_map, "instansi", "unit", UNITS)
    labels = {row["id"]: row for row in _read_csv(annotations, ("id", "category", "urgency"))}
    corrections = read_feedback(feedback) if feedback else {}
    raw = _read_csv(complaints, ("id", "tanggal_keluhan", "keluhan", "topik", "instansi"))

    stats = DatasetStats(read=len(raw))
    by_key: dict[str, Record] = {}
    for line, row in enumerate(raw, start=2):
        text = mask_pii(row["keluhan"]).strip()
        key = normalize(text)
        if not key:
            stats.empty += 1
            continue
        annotation = labels.get(row["id"])
        record = Record(
            id=row["id"],
            date=_parse_date(row["tanggal_keluhan"], f"{complaints}:{line}"),
            text=text,
            category=annotation["category"] if annotation else topics.get(row["topik"], ""),
            urgency=annotation["urgency"] if annotation else "",
            unit=agencies.get(row["instansi"], ""),
            label_source="annotation" if annotation else ("topic_mapping" if row["topik"] else ""),
        )
        kept = by_key.get(key)
        if kept is None:
            by_key[key] = record
            continue
        stats.duplicates += 1
        # Of a duplicate group keep the annotated copy, else the earliest.
        if (record.label_source == "annotation") > (kept.label_source == "annotation") or (
            record.label_source == kept.label_source and record.date < kept.date
        ):
            by_key[key] = record

    ordered = sorted(by_key.values(), key=lambda r: (r.date, r.id))
    by_id = {r.id: r for r in ordered}
    # Corrections of complaints outside the source are new training data (split "train");
    # corrections of known complaints keep their complaint's date, hence its split. A corrected
    # complaint moves to the end of the table. A correction under an id the source does not
    # know but with a source complaint's text (the same complaint sent again, or through
    # another channel) corrects that complaint: added as a new row, a test-month text would
    # have been trained on too, and the table would hold it twice.
    owner = {normalize(r.text): r.id for r in ordered}  # normalised text -> its row's id
    new_ids = set()
    for complaint_id, fix in corrections.items():
        text = mask_pii(fix["text"]).strip()
        key = normalize(text)
        old = by_id.pop(complaint_id, None)
        if old is None and owner.get(key, complaint_id) in by_id:
            complaint_id = owner[key]
            old = by_id.pop(complaint_id)
            stats.feedback_by_text += 1
        if old is None:
            new_ids.add(complaint_id)
        by_id[complaint_id] = Record(
            id=complaint_id,
            date=old.date if old else ordered[0].date,
            text=text or (old.text if old else ""),
            category=fix["category"] or (old.category if old else ""),
            urgency=fix["urgency"] or (old.urgency if old else ""),
            unit=fix["unit"] or (old.unit if old else ""),
            label_source="feedback",
        )
        stats.feedback += 1
        if key:
            owner[key] = complaint_id
    records = list(by_id.values())

    last = max(r.date for r in records if r.id not in new_ids)
    test_start = _month_start(last, test_months - 1)
    validation_start = _month_start(test_start, validation_months)
    records = [
        dataclasses.replace(
            r,
            split="train" if r.id in new_ids else _split_of(r.date, validation_start, test_start),
        )
        for r in records
    ]
    stats.kept = len(records)
    stats.annotated = sum(r.label_source == "annotation" for r in records)
    day = timedelta(days=1)  # every range names its last day (it named the next split's first)
    stats.split_dates = {
        "train": f"{records[0].date} .. {validation_start - day}",
        "validation": f"{validation_start} .. {test_start - day}",
        "test": f"{test_start} .. {last}",
    }
    for column in ("category", "urgency", "unit", "label_source"):
        for split in SPLITS:
            counts = Counter(getattr(r, column) for r in records if r.split == split)
            stats.counts[f"{column}/{split}"] = dict(sorted(counts.items()))
    return records, stats


def write_dataset(records: Iterable[Record], path: PathLike) -> None:
    """Write the processed table as CSV (it holds masked text only)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for r in records:
            writer.writerow([getattr(r, c) for c in COLUMNS])


def read_dataset(path: PathLike) -> list[Record]:
    """Read a table written by :func:`write_dataset`."""
    return list(_iter_records(path))


def _iter_records(path: PathLike) -> Iterator[Record]:
    for line, row in enumerate(_read_csv(path, COLUMNS), start=2):
        yield Record(
            id=row["id"],
            date=_parse_date(row["date"], f"{path}:{line}"),
            text=row["text"],
            category=row["category"],
            urgency=row["urgency"],
            unit=row["unit"],
            label_source=row["label_source"],
            split=row["split"],
        )
