from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from complaint_nlp.classifier import ComplaintClassifier
from complaint_nlp.dataset import Record
from complaint_nlp.training import TrainingConfig, train_classifier
from tests.databases import BACKENDS, PostgresCluster, migrated_sqlite
from tests.fixtures import fixture_records


@pytest.fixture(scope="session")
def records() -> list[Record]:
    return fixture_records()


@pytest.fixture(scope="session", params=["linear", "fasttext"])
def trained(request: pytest.FixtureRequest, records: list[Record]) -> ComplaintClassifier:
    return train_classifier(records, TrainingConfig(backend=request.param, seed=0))


@pytest.fixture(scope="session")
def linear_model(records: list[Record]) -> ComplaintClassifier:
    return train_classifier(records, TrainingConfig(backend="linear", seed=0))


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    """One PostgreSQL server for the whole session, started on first use."""
    cluster = PostgresCluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


def _new_database(request: pytest.FixtureRequest, folder: Path) -> str:
    if request.param == "sqlite":
        return migrated_sqlite(folder / "feedback.db")
    cluster: PostgresCluster = request.getfixturevalue("postgres")
    return cluster.new_database()


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a new database at this release's schema: the test runs on each backend."""
    return _new_database(request, tmp_path)


@pytest.fixture(scope="module", params=BACKENDS)
def module_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """:func:`database` shared by a module's tests (each module runs once per backend)."""
    return _new_database(request, tmp_path_factory.mktemp("database"))
