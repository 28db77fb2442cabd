from __future__ import annotations

import pytest

from complaint_nlp.classifier import ComplaintClassifier
from complaint_nlp.dataset import Record
from complaint_nlp.training import TrainingConfig, train_classifier
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
