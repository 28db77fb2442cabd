"""``complaint-nlp``: classify or triage a CSV / JSONL export of complaints, and ``info``.

A thin shell over the library: :mod:`complaint_nlp.rows` reads the rows (a 1 GB file needs little
memory), :mod:`complaint_nlp.batch` classifies them in chunks over ``--workers`` processes; the
shell parses the arguments, shows a progress bar counting rows, writes the results and reports
every malformed row with its line number. Outputs hold ids and labels; input columns and the
complaint (PII-masked) only when asked for with ``--keep-columns`` and ``--keep-text``.
``report`` turns a triaged file into a report for decision makers (:mod:`complaint_nlp.report`).

Every problem is one line on standard error that starts with ``error:``, never a traceback.
Exit codes: 0 at least one row was written (malformed rows skipped and counted); 1 the input could
not be processed (a malformed row with ``--on-error fail``, no usable row, bytes that are not text
in the encoding); 2 a wrong call or set-up (an option, a file, the model, the routing table);
3 an unexpected error (a bug to report); 130 interrupted.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import csv
import difflib
import json
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, NoReturn

from tqdm import tqdm

from complaint_nlp import __version__
from complaint_nlp._validation import MAX_TEXT_CHARS
from complaint_nlp.batch import chunked, classify_chunks
from complaint_nlp.columns import CarriedColumns, parse_columns
from complaint_nlp.duplicates import DEFAULT_THRESHOLD, DuplicateIndex
from complaint_nlp.exceptions import ComplaintNLPError, MalformedRowError, UndecodableInputError
from complaint_nlp.persistence import load, model_summary
from complaint_nlp.results import Classification, TriageResult
from complaint_nlp.routing import RoutingTable, load_routing_table, manual_classification
from complaint_nlp.rows import DEFAULT_ENCODING, InputFormat, Row, read_rows
from complaint_nlp.triage import triage_classified

__all__ = ["main"]


class _Stop(Exception):
    """Ends the command with this message on standard error and this exit code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


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
    flat["cues"] = " ".join(c.cues)
    flat["escalate"] = c.escalate
    if isinstance(result, TriageResult):
        flat.update(
            {
                "route_unit_id": result.route.unit_id,
                "route_unit_name": result.route.unit_name,
                "route_cc": " ".join(result.route.cc),
                "route_rule": result.route.rule or "",
                "route_kind": result.route.kind or "",
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


@dataclass
class _Tally:
    written: int = 0
    malformed: int = 0


def _checked(
    rows: Iterable[Row | MalformedRowError], on_error: str, tally: _Tally, progress: tqdm[Any]
) -> Iterator[Row]:
    """The usable rows; each malformed one is reported (and stops the run with ``fail``)."""
    for row in rows:
        if isinstance(row, Row):
            yield row
            continue
        if on_error == "fail":
            raise _Stop(str(row), 1)
        tally.malformed += 1
        progress.update()
        tqdm.write(f"malformed row skipped: {row}", file=sys.stderr)


def _not_a_file(path: Path) -> str:
    # A folder is there: "not found" sent its owner looking for a typo.
    return f"{path} is a folder; give a file" if path.is_dir() else f"input file not found: {path}"


def _run(args: argparse.Namespace) -> int:
    path: Path = args.input
    stdin = str(path) == "-"
    if not stdin and not path.is_file():
        raise _Stop(_not_a_file(path), 2)
    if args.output and not stdin and args.output.resolve() == path.resolve():
        raise _Stop(f"--output {args.output} is the input file; name another file", 2)
    input_format: InputFormat = args.input_format or (
        "jsonl" if path.suffix in (".jsonl", ".ndjson", ".json") else "csv"
    )
    if args.output and not args.format and args.output.suffix not in _SUFFIXES:
        raise _Stop(f"--output {args.output}: write .csv or .jsonl, or say which with --format", 2)
    output_format = args.format or (
        "csv" if args.output and args.output.suffix == ".csv" else "jsonl"
    )
    model_path = str(args.model) if args.model else None
    tally = _Tally()
    with contextlib.ExitStack() as stack:
        # Both files are opened before the model loads, so that a wrong path fails at once.
        try:
            stream = sys.stdin.buffer if stdin else stack.enter_context(path.open("rb"))
        except OSError as exc:
            raise _Stop(f"cannot read {path}: {exc.strerror}", 2) from None
        out = stack.enter_context(_output(args.output))
        model = load(model_path)
        table = load_routing_table(args.routing_table) if args.command == "triage" else None
        duplicates = (
            DuplicateIndex(window=args.window, threshold=args.threshold)
            if table is not None
            else None
        )
        carry = CarriedColumns(parse_columns(args.keep_columns), args.keep_text)
        carry.check_output(_sample_output(table))
        writer = _Writer(out, output_format, carry)
        progress = stack.enter_context(
            tqdm(unit=" rows", desc=args.command, disable=args.no_progress, file=sys.stderr)
        )
        rows = stack.enter_context(contextlib.closing(read_rows(
            stream, input_format, text_column=args.text_column, id_column=args.id_column,
            encoding=args.encoding, carry=carry,
        )))  # fmt: skip
        chunks = chunked(_checked(rows, args.on_error, tally, progress), args.chunk_size)
        for chunk, results in classify_chunks(
            chunks, model, workers=args.workers, model_path=model_path
        ):
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
            tally.written += len(chunk)
            progress.update(len(chunk))
        if not tally.written:  # inside: an earlier --output file is left as it was
            why = f"all {tally.malformed} rows are malformed" if tally.malformed else "no rows"
            raise _Stop(f"no row was classified ({why})", 1)
    print(
        f"{args.command}: {_count(tally.written, 'row')} written, "
        f"{_count(tally.malformed, 'malformed row')} skipped",
        file=sys.stderr,
    )
    return 0


_SUFFIXES = (".csv", ".jsonl", ".ndjson", ".json")


def _count(n: int, what: str) -> str:
    return f"{n:,} {what}" if n == 1 else f"{n:,} {what}s"


@contextlib.contextmanager
def _output(path: Path | None) -> Iterator[IO[str]]:
    """Standard output, or a new file beside ``path`` (its folder made when missing, as
    ``report --output`` does) that replaces it only when the run succeeds: a mistyped option or
    a failed run never empties an earlier output."""
    if path is None:
        yield sys.stdout
        return
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = partial.open("x", encoding="utf-8", newline="")
    except OSError as exc:
        raise _Stop(f"cannot write --output {path}: {exc.strerror}", 2) from None
    try:
        with handle:
            yield handle
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, path)


def _sample_output(table: RoutingTable | None) -> dict[str, Any]:
    """The fields every output row has (those of a hand-made result)."""
    sample = manual_classification("other", "low")
    result = (
        triage_classified([sample], [""], [""], table=table, duplicates=None)[0]
        if table is not None
        else sample
    )
    return {"id": "", **result.to_dict(), **_flat("", result)}


def _report(args: argparse.Namespace) -> int:
    # Imported on use: the report's DuckDB, matplotlib and Jinja2 are the `report` extra, and
    # classify / triage should not pay for importing them.
    try:
        from complaint_nlp.report import build_report
    except ImportError as exc:
        raise _Stop(f"{exc}; install the extra: pip install 'complaint_nlp[report]'", 2) from None
    if not args.input.is_file():
        raise _Stop(_not_a_file(args.input), 2)
    report = build_report(
        args.input, args.output, period=args.period, routing_table=args.routing_table,
        columns=parse_columns(args.columns), examples=args.examples,
    )  # fmt: skip
    print(
        f"report: {_count(report.complaints, 'complaint')}, {_count(report.periods, 'period')} "
        f"-> {report.html}, {_count(len(report.csv), 'table')} in {report.html.parent / 'tables'}",
        file=sys.stderr,
    )
    return 0


def _info(args: argparse.Namespace) -> int:
    model = load(str(args.model) if args.model else None)
    table = load_routing_table(args.routing_table)
    summary = {
        "model": model_summary(model.metadata),
        "routing_table": {
            "city": table.city, "triage_unit": table.triage_unit, "sla_hours": table.sla_hours,
            "units": [{"id": u.id, "name": u.name, "unit_codes": list(u.unit_codes),
                       "categories": list(u.categories)} for u in table.units],
        },
        "duplicates": {"default_threshold": DEFAULT_THRESHOLD},
    }  # fmt: skip
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    return 0


class OneLineParser(argparse.ArgumentParser):
    """argparse, with a wrong call reported in one ``error:`` line like every other problem."""

    _given: tuple[str, ...] = ()

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        self._given = tuple(sys.argv[1:] if args is None else args)
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        stray = self._stray_options()
        if stray and message.startswith("the following arguments are required"):
            # "--verison 1.0" read as a missing --version, never naming the typo (a data
            # scientist's trial, 2026-12-01).
            close = difflib.get_close_matches(stray[0], self._option_names(), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            message = f"unrecognized arguments: {' '.join(stray)}{hint}"
        self.exit(2, f"error: {message} (see {self.prog} --help)\n")

    def _option_names(self) -> list[str]:
        return [name for action in self._actions for name in action.option_strings]

    def _stray_options(self) -> list[str]:
        """The options given that this parser does not know, nor as an abbreviation."""
        known = self._option_names()
        stray = []
        for arg in self._given:
            if arg == "--":
                break
            name = arg.split("=", 1)[0]
            if name[:1] != "-" or name.lstrip("-").replace(".", "", 1).isdigit():
                continue  # a value, or a negative number
            if not any(option.startswith(name) for option in known):
                stray.append(name)
        return stray


def _most_workers() -> int:
    """Twice the cores this process may use: each worker loads the model (about 150 MB), and
    "--workers 99999" started processes until the machine ran out of memory."""
    return 2 * len(os.sched_getaffinity(0))


def _workers(value: str) -> int:
    number, most = _whole_number(value), _most_workers()
    if number > most:
        raise argparse.ArgumentTypeError(
            f"at most {most} (twice this machine's cores), got {number}"
        )
    return number


def _whole_number(value: str, least: int = 1) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number < least:
        raise argparse.ArgumentTypeError(f"must be at least {least}, got {number}")
    return number


def _not_negative(value: str) -> int:
    return _whole_number(value, least=0)


def _similarity(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {value!r}") from None
    if not 0.0 < number <= 1.0:
        raise argparse.ArgumentTypeError(f"must be above 0 and at most 1, got {value}")
    return number


def _encoding(value: str) -> str:
    try:
        codecs.lookup(value)
    except LookupError:
        raise argparse.ArgumentTypeError(f"unknown encoding {value!r}") from None
    return value


def _parser() -> argparse.ArgumentParser:
    description = __doc__.splitlines()[0].replace("``", "")
    parser = OneLineParser(prog="complaint-nlp", description=description)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_ in (
        ("classify", "label every complaint of a CSV or JSONL file"),
        ("triage", "label, route and duplicate-check every complaint of a CSV or JSONL file"),
    ):
        p = sub.add_parser(name, help=help_)
        p.add_argument(
            "input", type=Path, help="CSV (with a header) or JSONL file; - reads standard input"
        )
        p.add_argument(
            "--text-column", default="text", help="column / field with the complaint (text)"
        )
        p.add_argument(
            "--id-column", help="column / field with the complaint id (default: row number)"
        )
        p.add_argument(
            "--encoding",
            type=_encoding,
            default=DEFAULT_ENCODING,
            help="the input's text encoding, e.g. cp1252 or latin-1 (default: UTF-8, with or "
            "without a byte-order mark)",
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
            help=f"what a malformed row does (always reported): wrong fields, blank text or "
            f"text over {MAX_TEXT_CHARS:,} characters",
        )
        p.add_argument(
            "--workers", type=_workers, default=1,
            help=f"processes classifying in parallel, 1 to {_most_workers()} (twice the cores)",
        )  # fmt: skip
        p.add_argument("--chunk-size", type=_whole_number, default=1000, help="rows per batch")
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
                "--threshold",
                type=_similarity,
                default=DEFAULT_THRESHOLD,
                help="duplicate similarity, above 0 and at most 1",
            )
            p.add_argument(
                "--window",
                type=_whole_number,
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
        "--examples",
        type=_not_negative,
        default=3,
        help="masked complaints shown per rising word (0: none)",
    )
    info = sub.add_parser("info", help="summarise the model and the routing table")
    info.add_argument("--model", type=Path, help="model folder (default: the shipped model)")
    info.add_argument(
        "--routing-table", type=Path, help="routing table TOML (default: Kota Serang's)"
    )
    return parser


def _fail(message: str, code: int) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "info":
            return _info(args)
        return _report(args) if args.command == "report" else _run(args)
    except _Stop as exc:
        return _fail(str(exc), exc.code)
    except UndecodableInputError as exc:
        return _fail(str(exc), 1)
    except ComplaintNLPError as exc:
        return _fail(str(exc), 2)
    except BrokenPipeError:
        # Whoever read standard output stopped (``| head``): end quietly with the status a
        # shell gives a tool that SIGPIPE ended (128 + 13), not 1 ("the input could not be
        # processed").
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as exc:
        return _fail(f"{exc.filename or 'input/output'}: {exc.strerror or exc}", 2)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except Exception as exc:  # a bug: still one line, with what to report
        return _fail(f"unexpected {type(exc).__name__}: {exc}; please report this", 3)


if __name__ == "__main__":
    raise SystemExit(main())
