"""How a script starts and reads its own input files: one ``error:`` line and exit code 2 for
a bad file, folder or setting, never a traceback."""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NoReturn

from complaint_nlp.cli import OneLineParser
from complaint_nlp.exceptions import ComplaintNLPError, DataFileError


def arguments(doc: str | None) -> argparse.ArgumentParser:
    """The script's argument parser, described by the first line of its ``doc``: a wrong call is
    one ``error:`` line and exit code 2, as for ``complaint-nlp`` (argparse printed its usage
    first)."""
    return OneLineParser(description=doc.splitlines()[0] if doc else None)


def run(main: Callable[[], int]) -> NoReturn:
    """Run a script's ``main``: a bad input file, folder or setting ends it with one ``error:``
    line and exit code 2, never a traceback (a bug still shows its traceback)."""
    try:
        code = main()
    except (ComplaintNLPError, OSError) as exc:
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
        missing = set(columns) - set(reader.fieldnames or ())
        if missing:
            raise DataFileError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        rows = list(reader)
    if not rows:
        raise DataFileError(f"{path}: no rows")
    return rows
