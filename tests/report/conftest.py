from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from complaint_nlp.report.source import Source, open_source
from complaint_nlp.routing import load_routing_table
from tests.report.fixture import CSV_NAMES, write_csv


@pytest.fixture
def source(tmp_path: Path) -> Iterator[Source]:
    path = write_csv(tmp_path / "triase.csv")
    with open_source(path, table=load_routing_table(), columns=CSV_NAMES) as loaded:
        yield loaded
