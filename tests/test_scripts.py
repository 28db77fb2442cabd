"""Scripts run end to end on fixture data written here."""

import json
import subprocess
import sys
from pathlib import Path

from complaint_nlp.dataset import write_dataset
from tests.fixtures import PLACES, fixture_records, write_csv

ROOT = Path(__file__).parents[1]


def test_evaluate_districts_scores_seen_and_held_out_districts(tmp_path: Path) -> None:
    records = fixture_records()
    processed = tmp_path / "processed.csv"
    write_dataset(records, processed)
    # Most fixture texts name one place; the others have no district (counted as seen).
    districts = [[r.id, next((p for p in PLACES if p in r.text), "")] for r in records]
    complaints = write_csv(tmp_path / "complaints.csv", ["id", "kecamatan"], districts)
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "evaluate_districts.py"),
         "--data", str(processed), "--complaints", str(complaints), "--folds", "2"],
        capture_output=True, text=True, timeout=600, check=True,
    )  # fmt: skip
    results = json.loads(run.stdout)["results"]
    assert [(r["fold"], r["districts"]) for r in results] == [
        (1, "seen"), (1, "held_out"), (2, "seen"), (2, "held_out"),
    ]  # fmt: skip
    assert all(r["complaints"] > 0 and 0 <= r["category_macro_f1"] <= 1 for r in results)
    assert "fold 2/2: fitting on" in run.stderr


def test_duplicate_recall_is_the_same_with_the_stream_split_across_two_processes(
    tmp_path: Path,
) -> None:
    # Each fixture complaint, and a re-send of every third one a few complaints later.
    records = fixture_records(per_template=1)
    rows = []
    for i, record in enumerate(records):
        rows.append([f"K{i}", f"2024-03-01 08:{i:02d}:00", record.text])
        if i % 3 == 0:
            rows.append([f"R{i}", f"2024-03-01 08:{i + 3:02d}:30", record.text.upper()])
    complaints = write_csv(tmp_path / "complaints.csv", ["id", "tanggal_keluhan", "keluhan"], rows)

    def evaluate(*args: str) -> dict[str, object]:
        run = subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "evaluate_duplicates.py"),
             "--complaints", str(complaints), *args],
            capture_output=True, text=True, timeout=600, check=True,
        )  # fmt: skip
        assert "jalan" not in run.stdout + run.stderr  # counts only, never a complaint
        summary: dict[str, object] = json.loads(run.stdout)
        return summary

    alone, split = evaluate(), evaluate("--processes", "2")
    assert alone["known_duplicates"] == split["known_duplicates"] == 16
    assert split["processes"] == 2
    assert split["results"] == alone["results"]


def test_evaluate_scores_a_labelled_file_of_unseen_complaints(tmp_path: Path) -> None:
    processed = tmp_path / "processed.csv"
    write_dataset(fixture_records(), processed)
    labelled = write_csv(
        tmp_path / "kota-lain.csv",
        ["text", "category", "urgency", "unit"],
        [
            ["Pohon tumbang menimpa motor di jalan raya Cilegon", "infrastructure", "high", ""],
            ["Petugas kelurahan membentak warga yang antre", "human_resources", "medium", ""],
            ["Akta kelahiran anak saya belum terbit dua bulan", "bureaucracy", "medium", ""],
            ["Aplikasi pengaduan tidak bisa login sejak kemarin", "information_technology",
             "medium", "communication_it"],
            ["Terima kasih, lampu jalan sudah menyala", "other", "low", ""],
        ],
    )  # fmt: skip
    command = [sys.executable, str(ROOT / "scripts" / "evaluate.py"), "models/complaint-classifier",
               "--data", str(processed), "--output", str(tmp_path / "out")]  # fmt: skip
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "triase-lain.csv").write_text("id\n")  # not the evaluation's
    run = subprocess.run(
        [*command, "--labelled", str(labelled)],
        capture_output=True, text=True, timeout=600, cwd=ROOT, check=True,
    )  # fmt: skip
    wrote = run.stderr.strip().splitlines()[-1]
    assert wrote.startswith("wrote ") and "report.json" in wrote and "triase-lain" not in wrote
    assert "# Evaluation on the 5 labelled complaints of kota-lain.csv" in run.stdout
    assert "Gold test" not in run.stdout
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    (scored,) = report.values()
    assert scored["category"]["n"] == 5 and scored["unit"]["n"] == 1
    # A file without units: unit cells read "-" (not measured), not 0.000 (before).
    no_units = write_csv(
        tmp_path / "tanpa-unit.csv", ["text", "category", "urgency"],
        [["Jalan berlubang di depan sekolah", "infrastructure", "medium"]],
    )  # fmt: skip
    run = subprocess.run(
        [*command, "--labelled", str(no_units)],
        capture_output=True, text=True, timeout=600, cwd=ROOT, check=True,
    )  # fmt: skip
    rows = [line for line in run.stdout.splitlines() if "baseline:" in line]
    assert rows and all(line.endswith("| - | - |") for line in rows), rows
    png = sorted(p.name for p in (tmp_path / "out").glob("*.png"))
    assert png and all(" " not in name and "," not in name for name in png), png
    labelled.write_bytes(
        "text,category,urgency\nJalan rusak di Cipocok\xe9,other,low\n".encode("latin-1")
    )
    bad = subprocess.run(
        [*command, "--labelled", str(labelled)], capture_output=True, text=True, cwd=ROOT
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "not UTF-8 text" in bad.stderr
    labelled.write_text("text,category,urgency\n  ,other,low\n", encoding="utf-8")
    blank = subprocess.run(
        [*command, "--labelled", str(labelled)], capture_output=True, text=True, cwd=ROOT
    )
    assert blank.returncode == 2 and "kota-lain.csv:2: the text is empty" in blank.stderr


def _bad_runs(tmp: Path) -> list[tuple[str, list[str], str]]:
    """(script, arguments, what its one error line says): each was a traceback, a run that
    failed only after minutes of fitting, or exit code 0 (the trial of 2026-11-30)."""
    empty = tmp / "empty.csv"
    empty.write_text("")
    wrong = write_csv(tmp / "wrong.csv", ["a", "b"], [["1", "2"]])
    huge = write_csv(
        tmp / "huge.csv",
        ["complaint_id", "text", "category", "urgency", "unit"],
        [["1", "a" * 140_000, "other", "low", ""]],
    )
    published = tmp / "models" / "complaint-classifier" / "1.0.0"
    published.mkdir(parents=True)
    (published / "metadata.json").write_text("{}")
    (tmp / "models" / "complaint-classifier" / "1.0.1").mkdir()  # a save that was stopped
    header = ["text", "category", "urgency"]
    long_row = write_csv(tmp / "long.csv", header, [["jalan rusak", "infrastructure", "low", "x"]])
    short_row = write_csv(tmp / "short.csv", header, [["jalan rusak", "infrastructure"]])
    nomatch = write_csv(tmp / "nomatch.csv", ["id", "category", "urgency"],
                        [["no-such-id", "infrastructure", "low"]])  # fmt: skip
    page = tmp / "index.html"
    page.write_text("<html></html>")
    return [
        ("build_dataset.py", ["--complaints", str(tmp / "none.csv")], "data file not found"),
        ("build_dataset.py", ["--complaints", str(tmp)], "is a directory"),
        ("build_dataset.py", ["--feedback", str(wrong)], "missing column(s) category"),
        ("build_dataset.py", ["--test-months", "0"], "--test-months must be 1 to 120"),
        # a hostile probe, 2026-12-01: "year -6311 is out of range" and csv's field limit
        ("build_dataset.py", ["--validation-months", "99999"], "must be 1 to 120"),
        ("build_dataset.py", ["--feedback", str(huge)], "huge.csv:2: not a readable CSV row"),
        ("evaluate.py", ["models/complaint-classifier", "--labelled", str(huge)],
         "huge.csv:2: not a readable CSV row: a field is longer than"),
        ("build_dataset.py", ["--output", str(tmp)], "is a folder"),
        ("train.py", ["--version", "banana"], "numbers and dots"),
        ("train.py", ["--version", "1.0.0", "--models", str(tmp / "models")], "never change"),
        ("train.py", ["--version", "1.0.1", "--models", str(empty)], "is not a folder"),
        # a data scientist's trial, 2026-12-01: a stopped save read as a published version, a
        # traceback after the first fitting, a typo never named, a second model path found
        # bad only after the first one's fitting, rows of the wrong width read as None
        ("train.py", ["--version", "1.0.1", "--models", str(tmp / "models")],
         "holds no finished version"),
        ("train.py", ["--version", "1.0.2", "--seed", "-1", "--models", str(tmp)],
         "--seed must be 0 to"),
        ("train.py", ["--verison", "1.0.2"], "unrecognized arguments: --verison (did you mean"),
        ("evaluate.py", ["models/complaint-classifier", str(tmp / "no-model")], "no model"),
        ("evaluate.py", ["models/complaint-classifier", "--labelled", str(tmp)], "is a folder"),
        ("evaluate.py", ["models/complaint-classifier", "--labelled", str(long_row)],
         "long.csv:2: 4 fields, the header has 3"),
        ("evaluate.py", ["models/complaint-classifier", "--labelled", str(short_row)],
         "short.csv:2: 2 fields, the header has 3 (a quote never closed?)"),
        ("build_dataset.py", ["--annotations", str(nomatch), "--output", str(tmp / "x.csv")],
         "matches a complaint id"),
        ("screenshot_report.py", [str(page), str(tmp)], "give a file name ending in .png"),
        ("screenshot_report.py", [str(page), str(tmp / "p.txt")], "ending in .png"),
        ("screenshot_report.py", [str(tmp), str(tmp / "p.png")], "is a folder"),
        ("train.py", ["--version", "1.0.1", "--models", str(tmp), "--data", str(wrong)],
         "missing column(s) category"),
        ("evaluate.py", ["models/complaint-classifier", "--output", str(empty)], "is a file"),
        # Found only when the results were written, after a minute or more of fitting.
        ("evaluate.py", ["models/complaint-classifier", "--output", str(empty / "ev")],
         "is a file, not a folder"),
        ("train.py", ["--version", "1.0.1", "--models", str(empty / "m")],
         "is a file, not a folder"),
        ("build_dataset.py", ["--output", str(empty / "x.csv")], "is a file, not a folder"),
        ("evaluate_duplicates.py", ["--complaints", str(tmp / "none.csv")],
         "none.csv: no such file or directory"),
        ("evaluate_districts.py", ["--folds", "1"], "--folds must be >= 2"),
        ("evaluate_districts.py", ["--complaints", str(wrong), "--data", str(empty)],
         "missing column(s) id, kecamatan"),
        ("evaluate_duplicates.py", ["--complaints", str(empty)], "missing column(s) id"),
        ("evaluate_duplicates.py", ["--window", "0"], "--window must be >= 1"),
        ("evaluate_duplicates.py", ["--processes", "2", "--database-url",
                                    f"sqlite:///{tmp / 'no-such' / 'x.db'}"], "unavailable"),
    ]  # fmt: skip


def test_a_bad_argument_or_file_is_one_error_line_and_exit_2(tmp_path: Path) -> None:
    for script, arguments, message in _bad_runs(tmp_path):
        run = subprocess.run(
            [sys.executable, str(ROOT / "scripts" / script), *arguments],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        where = f"{script} {' '.join(arguments)}"
        assert run.returncode == 2, (where, run.stderr[-500:])
        assert "Traceback" not in run.stderr, where
        last = run.stderr.strip().splitlines()[-1]
        assert "error: " in last and message in last, (where, last)


def test_replace_rebuilds_a_published_versions_model_file_and_nothing_else(tmp_path: Path) -> None:
    processed = tmp_path / "processed.csv"
    write_dataset(fixture_records(), processed)
    train = [sys.executable, str(ROOT / "scripts" / "train.py"), "--version", "1.0.0",
             "--models", str(tmp_path / "models"), "--data", str(processed)]  # fmt: skip
    subprocess.run(train, capture_output=True, text=True, timeout=600, check=True)
    folder = tmp_path / "models" / "complaint-classifier" / "1.0.0"
    published = {p.name: p.read_bytes() for p in folder.iterdir()}
    (folder / "model.joblib").unlink()  # as a clone of the repository has it
    rebuilt = subprocess.run([*train, "--replace", "--seed", "7"], capture_output=True, text=True,
                             timeout=600)  # fmt: skip
    assert rebuilt.returncode == 0, rebuilt.stderr[-500:]
    assert "the published model, byte for byte" in rebuilt.stderr  # the recorded seed, not 7
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == published
    assert [p.name for p in folder.parent.iterdir()] == ["1.0.0"]  # no rebuild folder left
    # Another table: refused before any fitting, the published files as they were.
    write_dataset(fixture_records(per_template=5), processed)
    other = subprocess.run([*train, "--replace"], capture_output=True, text=True, timeout=600)
    assert other.returncode == 2 and "was fitted on another table" in other.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == published
