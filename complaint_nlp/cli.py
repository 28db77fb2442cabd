"""``complaint-nlp``: classify or triage a CSV / JSONL export of complaints, and ``info``.

A thin layer over the library: it streams the input in chunks (a 1 GB file needs little memory),
shows a progress bar, spreads classification over ``--workers`` processes, and reports every
malformed row with its line number (``--on-error skip`` goes on, ``fail`` stops with exit 1).
Outputs hold ids and labels; input columns and the complaint (PII-masked) only when asked for
with ``--keep-columns`` and ``--keep-text``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import sys
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from tqdm import tqdm

from complaint_nlp.classifier import Classification, ComplaintClassifier
from complaint_nlp.columns import CarriedColumns, parse_columns
from complaint_nlp.duplicates import DEFAULT_THRESHOLD, DuplicateIndex
from complaint_nlp.exceptions import ComplaintNLPError
from complaint_nlp.persistence import load
from complaint_nlp.routing import load_routing_table
from complaint_nlp.triage import TriageResult, triage_classified

__all__ = ["main"]


@dataclass(frozen=True)
class Row:
    line: int
    id: str
    text: str
    carried: dict[str, Any] = field(default_factory=dict)


class MalformedRow(ComplaintNLPError, ValueError):
    """A row of the input that cannot be read."""


class _CountingLines:
    """Decoded lines of a binary file, counting the bytes read (for the progress bar)."""

    def __init__(self, raw: IO[bytes], progress: tqdm[Any]) -> None:
        self.raw, self.progress = raw, progress

    def __iter__(self) -> Iterator[str]:
        for line in self.raw:
            self.progress.update(len(line))
            yield line.decode("utf-8", errors="replace")


def _csv_rows(
    lines: _CountingLines, text_column: str, id_column: str | None, carry: CarriedColumns
) -> Iterator[Row | MalformedRow]:
    reader = csv.reader(iter(lines))
    header = next(reader, None)
    if header is None:
        return
    if text_column not in header:
        raise SystemExit(f"error: no column {text_column!r} in the header: {header}")
    if id_column and id_column not in header:
        raise SystemExit(f"error: no column {id_column!r} in the header: {header}")
    carry.check_header(header)
    t = header.index(text_column)
    k = header.index(id_column) if id_column else None
    number = 1
    for fields in reader:
        number += 1
        line = reader.line_num
        if len(fields) != len(header):
            yield MalformedRow(f"line {line}: {len(fields)} fields, the header has {len(header)}")
            continue
        carried = carry.fields(dict(zip(header, fields, strict=True)), fields[t]) if carry else {}
        yield Row(line, fields[k] if k is not None else str(number - 1), fields[t], carried)


def _jsonl_rows(
    lines: _CountingLines, text_column: str, id_column: str | None, carry: CarriedColumns
) -> Iterator[Row | MalformedRow]:
    number = 0
    for line, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        number += 1
        try:
            item = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield MalformedRow(f"line {line}: not JSON ({exc.msg})")
            continue
        if not isinstance(item, dict):
            yield MalformedRow(f"line {line}: expected a JSON object, got {type(item).__name__}")
            continue
        text = item.get(text_column)
        if not isinstance(text, str):
            yield MalformedRow(f"line {line}: field {text_column!r} missing or not a string")
            continue
        key = item.get(id_column) if id_column else number
        if id_column and key is None:
            yield MalformedRow(f"line {line}: field {id_column!r} missing")
            continue
        yield Row(line, str(key), text, carry.fields(item, text) if carry else {})


def _chunks(
    rows: Iterator[Row | MalformedRow], size: int, on_error: str, errors: list[str]
) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    for row in rows:
        if isinstance(row, MalformedRow):
            errors.append(str(row))
            print(
                f"malformed row skipped: {row}" if on_error == "skip" else f"error: {row}",
                file=sys.stderr,
            )
            if on_error == "fail":
                raise SystemExit(1)
            continue
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_WORKER_MODEL: ComplaintClassifier | None = None


def _init_worker(model_path: str | None) -> None:
    global _WORKER_MODEL
    _WORKER_MODEL = load(model_path)


def _classify_in_worker(texts: list[str]) -> list[Classification]:
    assert _WORKER_MODEL is not None
    return _WORKER_MODEL.classify_batch(texts)


def _classified(
    chunks: Iterator[list[Row]], model: ComplaintClassifier, model_path: str | None, workers: int
) -> Iterator[tuple[list[Row], list[Classification]]]:
    if workers <= 1:
        for chunk in chunks:
            yield chunk, model.classify_batch([r.text for r in chunk])
        return
    # At most two chunks per worker in flight, so memory stays bounded whatever the input size.
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(model_path,)) as pool:
        pending: deque[tuple[list[Row], Future[list[Classification]]]] = deque()
        for chunk in chunks:
            pending.append((chunk, pool.submit(_classify_in_worker, [r.text for r in chunk])))
            if len(pending) >= 2 * workers:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()


def _flat(row_id: str, result: Classification | TriageResult) -> dict[str, Any]:
    c = result if isinstance(result, Classification) else result.classification
    flat: dict[str, Any] = {
        "id": row_id,
        "category": c.category,
        "category_confidence": c.category_confidence,
        "urgency": c.urgency,
        "urgency_confidence": c.urgency_confidence,
    }
    for n in range(3):
        code, score = c.units[n] if n < len(c.units) else ("", "")
        flat[f"unit_{n + 1}"], flat[f"unit_{n + 1}_score"] = code, score
    flat["needs_review"] = c.needs_review
    flat["explanation_category"] = " ".join(c.explanation.get("category", []))
    flat["explanation_urgency"] = " ".join(c.explanation.get("urgency", []))
    flat["safety_signals"] = " | ".join(c.safety_signals)
    if isinstance(result, TriageResult):
        flat.update(
            {
                "route_unit_id": result.route.unit_id,
                "route_unit_name": result.route.unit_name,
                "sla_hours": result.route.sla_hours,
                "escalate": result.route.escalate,
                "duplicate_of": result.duplicate_of.id if result.duplicate_of else "",
                "duplicate_similarity": result.duplicate_of.similarity
                if result.duplicate_of
                else "",
            }
        )
    return flat


class _Writer:
    def __init__(self, out: IO[str], fmt: str, carry: CarriedColumns) -> None:
        self.out, self.fmt, self.carry = out, fmt, carry
        self.csv: csv.DictWriter[str] | None = None

    def write(self, row: Row, result: Classification | TriageResult) -> None:
        if self.fmt == "jsonl":
            data = result.to_dict()
            data.pop("complaint_id", None)
            data = self.carry.merge({"id": row.id, **data}, row.carried)
            self.out.write(json.dumps(data, ensure_ascii=False) + "\n")
            return
        flat = self.carry.merge(_flat(row.id, result), row.carried)
        if self.csv is None:
            self.csv = csv.DictWriter(self.out, fieldnames=list(flat))
            self.csv.writeheader()
        self.csv.writerow(flat)


def _run(args: argparse.Namespace) -> int:
    path: Path = args.input
    stdin = str(path) == "-"
    if not stdin and not path.is_file():
        raise SystemExit(f"error: input file not found: {path}")
    input_format = args.input_format or (
        "jsonl" if path.suffix in (".jsonl", ".ndjson", ".json") else "csv"
    )
    output_format = args.format or (
        "csv" if args.output and args.output.suffix == ".csv" else "jsonl"
    )
    model_path = str(args.model) if args.model else None
    carry = CarriedColumns(parse_columns(args.keep_columns), args.keep_text)
    model = load(model_path)
    table = load_routing_table(args.routing_table) if args.command == "triage" else None
    duplicates = (
        DuplicateIndex(window=args.window, threshold=args.threshold)
        if args.command == "triage"
        else None
    )
    errors: list[str] = []
    written = 0
    out = args.output.open("w", encoding="utf-8", newline="") if args.output else sys.stdout
    try:
        writer = _Writer(out, output_format, carry)
        with (
            contextlib.nullcontext(sys.stdin.buffer) if stdin else path.open("rb")
        ) as raw, tqdm(
            total=None if stdin else path.stat().st_size, unit="B", unit_scale=True,
            desc=args.command, disable=args.no_progress, file=sys.stderr,
        ) as progress:  # fmt: skip
            lines = _CountingLines(raw, progress)
            read = _csv_rows if input_format == "csv" else _jsonl_rows
            rows = read(lines, args.text_column, args.id_column, carry)
            chunks = _chunks(rows, args.chunk_size, args.on_error, errors)
            for chunk, results in _classified(chunks, model, model_path, args.workers):
                if duplicates is not None and table is not None:
                    triaged = triage_classified(
                        results, [r.text for r in chunk], [r.id for r in chunk],
                        table=table, duplicates=duplicates,
                    )  # fmt: skip
                    for r, t in zip(chunk, triaged, strict=True):
                        writer.write(r, t)
                else:
                    for r, c in zip(chunk, results, strict=True):
                        writer.write(r, c)
                written += len(chunk)
    finally:
        if out is not sys.stdout:
            out.close()
    print(
        f"{args.command}: {written} rows written, {len(errors)} malformed rows skipped",
        file=sys.stderr,
    )
    return 0


def _info(args: argparse.Namespace) -> int:
    model = load(str(args.model) if args.model else None)
    table = load_routing_table(args.routing_table)
    meta = model.metadata
    metrics = meta.get("metrics", {})
    summary = {
        "model": {
            "name": meta.get("name"), "version": meta.get("version"), "backend": model.backend,
            "labels": model.labels, "thresholds": meta.get("thresholds"),
            "gold_test": {
                "category_macro_f1": metrics.get("category", {}).get("macro_f1"),
                "urgency_macro_f1": metrics.get("urgency", {}).get("macro_f1"),
                "high_recall": metrics.get("urgency", {}).get("high_recall"),
            },
        },
        "routing_table": {
            "city": table.city, "triage_unit": table.triage_unit, "sla_hours": table.sla_hours,
            "units": [{"id": u.id, "name": u.name, "unit_codes": list(u.unit_codes),
                       "categories": list(u.categories)} for u in table.units],
        },
        "duplicates": {"default_threshold": DEFAULT_THRESHOLD},
    }  # fmt: skip
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    return 0


def _report(args: argparse.Namespace) -> int:
    # Imported on use: the report's DuckDB, matplotlib and Jinja2 are the `report` extra, and
    # classify / triage should not pay for importing them.
    try:
        from complaint_nlp.report import build_report
    except ImportError as exc:
        raise SystemExit(
            f"error: {exc}; install the extra: pip install 'complaint_nlp[report]'"
        ) from None
    report = build_report(
        args.input, args.output, period=args.period, routing_table=args.routing_table,
        columns=parse_columns(args.columns), examples=args.examples,
    )  # fmt: skip
    print(
        f"report: {report.complaints} complaints, {report.periods} periods -> {report.html}, "
        f"{len(report.csv)} tables in {report.html.parent / 'tables'}",
        file=sys.stderr,
    )
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="complaint-nlp", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_ in (
        ("classify", "label every complaint of a CSV or JSONL file"),
        ("triage", "label, route and duplicate-check every complaint of a CSV or JSONL file"),
    ):
        p = sub.add_parser(name, help=help_)
        p.add_argument(
            "input", type=Path, help="CSV (with a header) or JSONL file; - reads standard input"
        )
        p.add_argument("--text-column", default="text", help="column / field with the complaint")
        p.add_argument(
            "--id-column", help="column / field with the complaint id (default: row number)"
        )
        p.add_argument("--output", "-o", type=Path, help="output file (default: standard output)")
        p.add_argument(
            "--format",
            choices=("jsonl", "csv"),
            help="output format (default: from --output's suffix, else jsonl)",
        )
        p.add_argument(
            "--input-format", choices=("jsonl", "csv"), help="default: from the input's suffix"
        )
        p.add_argument(
            "--on-error",
            choices=("skip", "fail"),
            default="skip",
            help="what a malformed row does (always reported)",
        )
        p.add_argument("--workers", type=int, default=1, help="processes classifying in parallel")
        p.add_argument("--chunk-size", type=int, default=1000, help="rows per batch")
        p.add_argument("--model", type=Path, help="model folder (default: the shipped model)")
        p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
        p.add_argument(
            "--keep-columns",
            default="",
            help="input columns copied into the output, e.g. "
            "received_at=tanggal_keluhan,kecamatan (name=column renames)",
        )
        p.add_argument(
            "--keep-text",
            action="store_true",
            help="add the complaint as 'text', personal data masked (for `report`)",
        )
        if name == "triage":
            p.add_argument(
                "--routing-table", type=Path, help="TOML routing table (default: Kota Serang)"
            )
            p.add_argument(
                "--threshold", type=float, default=DEFAULT_THRESHOLD, help="duplicate similarity"
            )
            p.add_argument(
                "--window",
                type=int,
                default=10_000,
                help="recent complaints kept for duplicate checks",
            )
    report = sub.add_parser("report", help="HTML report and CSV tables of a triaged file")
    report.add_argument("input", type=Path, help="the output of `triage` (CSV or JSONL)")
    report.add_argument(
        "--output", "-o", type=Path, required=True, help="folder for index.html and tables/"
    )
    report.add_argument("--period", choices=("week", "month"), default="month")
    report.add_argument(
        "--routing-table",
        type=Path,
        help="TOML routing table with the deadlines (default: Kota Serang)",
    )
    report.add_argument(
        "--columns",
        default="",
        help="the file's names for received_at, answered_at, kecamatan, kelurahan and text, "
        "e.g. received_at=tanggal_keluhan,answered_at=tanggal_ditanggapi",
    )
    report.add_argument(
        "--examples", type=int, default=3, help="masked complaints shown per rising word (0: none)"
    )
    info = sub.add_parser("info", help="summarise the model and the routing table")
    info.add_argument("--model", type=Path)
    info.add_argument("--routing-table", type=Path)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command in ("classify", "triage") and (args.workers < 1 or args.chunk_size < 1):
        raise SystemExit("error: --workers and --chunk-size must be at least 1")
    try:
        if args.command == "report":
            return _report(args)
        return _info(args) if args.command == "info" else _run(args)
    except ComplaintNLPError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
