"""The shipped default model: it loads, and its gold metrics recompute from ../shared."""

import dataclasses
import json
from pathlib import Path

import pytest

import complaint_nlp
from complaint_nlp.dataset import build_dataset, file_sha256, write_dataset
from complaint_nlp.evaluation import evaluate
from complaint_nlp.persistence import resolve_model_dir
from complaint_nlp.training import TrainingConfig, train_classifier

ROOT = Path(__file__).parents[1]
SHARED = ROOT.parent / "shared" / "datasets"


def test_default_model_loads_and_classifies() -> None:
    model = complaint_nlp.load()
    result = model.classify("Pohon tumbang menutup jalan, kabel listrik putus")
    assert result.category == "infrastructure"
    assert result.urgency == "high"


def test_default_model_is_small_and_has_a_card() -> None:
    folder = resolve_model_dir(None)
    # What a version adds to the repository: model.joblib, when training left it here, is not
    # committed (.gitignore), inference needs only inference.npz.
    shipped = [f for f in folder.iterdir() if f.name != "model.joblib"]
    assert sum(f.stat().st_size for f in shipped) < 6 * 1000 * 1000
    card = (folder / "MODEL_CARD.md").read_text()
    meta = json.loads((folder / "metadata.json").read_text())
    assert "| model | category acc | category macro-F1 |" in card
    row = f"| **{meta['name']} {meta['version']}** | {meta['metrics']['category']['accuracy']:.3f}"
    assert row in card
    assert "### Urgency" in card and "## Limits and known failure modes" in card


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/datasets is not beside this checkout")
def test_gold_metrics_recompute_from_shared_data(tmp_path: Path) -> None:
    """The card's gold-test numbers come from the shipped recipe fitted without the test months
    (the release itself was fitted on them): refit it from ../shared and score it again."""
    records, _ = build_dataset(
        SHARED / "external" / "surabaya-mediacenter" / "complaints.csv",
        SHARED / "annotations" / "surabaya-mediacenter.csv",
        ROOT / "datasets" / "mappings" / "topic_to_category.csv",
        ROOT / "datasets" / "mappings" / "agency_to_unit.csv",
    )
    meta = json.loads((resolve_model_dir(None) / "metadata.json").read_text())
    write_dataset(records, tmp_path / "complaints.csv")
    # A changed ../shared (new annotations, corrected labels) or a changed build changes this
    # hash: the shipped model then no longer describes today's data and must be retrained.
    built, expected = file_sha256(tmp_path / "complaints.csv"), meta["data"]["sha256"]
    assert built == expected, (
        f"the processed table built from ../shared has sha256 {built[:12]}…, but the shipped "
        f"model {meta['version']} was trained on {expected[:12]}… ({meta['data']['rows']} rows): "
        "the data changed, so retrain (scripts/build_dataset.py, scripts/train.py) and ship a "
        "new version"
    )
    assert meta["fitted_on"]["release"] and "test" in meta["fitted_on"]["splits"]
    recipe = train_classifier(records, TrainingConfig(**meta["config"]))
    assert dataclasses.asdict(recipe.thresholds) == meta["evaluation_model"]["thresholds"]
    assert recipe.metadata["held_out"] == meta["evaluation_model"]["held_out"]
    assert evaluate(recipe, records) == meta["metrics"]
