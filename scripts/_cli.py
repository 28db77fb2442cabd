"""How a script starts and reads its own input files: one ``error:`` line and exit code 2 for
a bad file, folder or setting, never a traceback."""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NoReturn

from complaint_nlp.cli import OneLineParser
from complaint_nlp.dataset import malformed_csv
from complaint_nlp.exceptions import ComplaintNLPError, DataFileError


def arguments(doc: str | None) -> argparse.ArgumentParser:
    """The script's argument parser, described by the first paragraph of its ``doc``: a wrong
    call is one ``error:`` line and exit code 2, as for ``complaint-nlp`` (argparse printed its
    usage first)."""
    # The whole first paragraph: its first line alone ended mid-sentence ("... page (and").
    first = " ".join(doc.strip().split("\n\n")[0].split()) if doc else None
    return OneLineParser(description=first)


def writable(parser: argparse.ArgumentParser, option: str, path: Path) -> None:
    """Stop with one ``error:`` line unless ``path`` (a file or folder to be made) can be
    written, before any fitting: a read-only ``--models`` or ``--output`` was found only when
    the results were written, after minutes of work."""
    place = path if path.is_dir() else path.parent
    while not place.exists() and place != place.parent:
        place = place.parent
    if not place.is_dir():
        parser.error(f"{option} {path}: {place} is a file, not a folder")
    try:
        with tempfile.TemporaryFile(dir=place):
            pass
    except OSError as exc:
        parser.error(f"{option} {path}: cannot write in {place} ({_reason(exc)})")


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()


def run(main: Callable[[], int]) -> NoReturn:
    """Run a script's ``main``: a bad input file, folder or setting ends it with one ``error:``
    line and exit code 2, never a traceback (a bug still shows its traceback)."""
    try:
        code = main()
    except OSError as exc:  # "[Errno 2] No such file or directory: 'x'" read as a Python detail
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{_reason(exc)}", file=sys.stderr)
        raise SystemExit(2) from None
    except ComplaintNLPError as exc:
        print(f"error: {' '.join(str(exc).split())}", file=sys.stderr)
        raise SystemExit(2) from None
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        raise SystemExit(130) from None
    raise SystemExit(code)


def read_rows(path: Path, columns: Iterable[str]) -> list[dict[str, str]]:
    """The rows of the CSV at ``path``, which must have ``columns`` and a row."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        try:
            missing = set(columns) - set(reader.fieldnames or ())
            if missing:
                raise DataFileError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
            rows = list(reader)
        except csv.Error as exc:
            raise malformed_csv(path, reader.line_num + 1, exc) from None
    if not rows:
        raise DataFileError(f"{path}: no rows")
    return rows
