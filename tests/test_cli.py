"""The CLI, run as a subprocess (and through ``main``) on small files written here."""

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

import complaint_nlp
from complaint_nlp.cli import main
from tests.report.fixture import write_csv

COMPLAINTS = [
    ("K-1", "Pohon tumbang menutup jalan, kabel listrik putus", "infrastructure"),
    ("K-2", "KTP elektronik saya belum jadi padahal sudah rekam 4 bulan lalu", "bureaucracy"),
    (
        "K-3",
        "Aplikasi layanan error, tidak bisa login dan OTP tidak masuk",
        "information_technology",
    ),
    ("K-4", "pohon tumbang menutup jalan!! kabel listrik putus", "infrastructure"),
]


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "complaint_nlp.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, input=stdin)


@pytest.fixture
def csv_input(tmp_path: Path) -> Path:
    path = tmp_path / "in.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["nomor", "isi", "kanal"])
        for i, (key, text, _) in enumerate(COMPLAINTS):
            writer.writerow([key, text, "wa"])
            if i == 1:
                f.write('K-X,"baris rusak",wa,kolom-lebih\n')  # line 4: one field too many
    return path


@pytest.fixture
def jsonl_input(tmp_path: Path) -> Path:
    path = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": k, "text": t}) for k, t, _ in COMPLAINTS[:2]]
    lines += ["{not json", json.dumps({"id": "K-9"}), json.dumps(["a"])]
    lines += [json.dumps({"id": k, "text": t}) for k, t, _ in COMPLAINTS[2:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_triage_csv_to_csv_reports_the_malformed_row(csv_input: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = run("triage", str(csv_input), "--text-column", "isi", "--id-column", "nomor",
                 "--output", str(out), "--no-progress")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "line 4: 4 fields, the header has 3" in result.stderr
    assert "4 rows written, 1 malformed row skipped" in result.stderr
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["id"] for r in rows] == [k for k, _, _ in COMPLAINTS]
    for row, (_, _, category) in zip(rows, COMPLAINTS, strict=True):
        assert row["category"] == category
        assert row["route_unit_id"]
        assert float(row["sla_hours"]) > 0
    assert rows[3]["duplicate_of"] == "K-1"
    assert rows[0]["duplicate_of"] == ""
    assert "tumbang" not in out.read_text(encoding="utf-8").split("\n")[0]  # header only


def test_classify_jsonl_to_jsonl_skips_and_names_bad_lines(
    jsonl_input: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    result = run("classify", str(jsonl_input), "--id-column", "id", "-o", str(out), "--no-progress")
    assert result.returncode == 0, result.stderr
    assert "line 3: not JSON" in result.stderr
    assert "line 4: field 'text' missing or not a string" in result.stderr
    assert "line 5: expected a JSON object, got list" in result.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == [k for k, _, _ in COMPLAINTS]
    assert [r["category"] for r in rows] == [c for _, _, c in COMPLAINTS]
    assert all("text" not in r for r in rows)


def test_on_error_fail_stops_with_exit_1(csv_input: Path) -> None:
    result = run(
        "classify", str(csv_input), "--text-column", "isi", "--on-error", "fail", "--no-progress"
    )
    assert result.returncode == 1
    assert "error: line 4" in result.stderr


def test_two_workers_give_the_same_rows(csv_input: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    for out, workers in ((one, "1"), (two, "2")):
        result = run(
            "classify",
            str(csv_input),
            "--text-column",
            "isi",
            "--id-column",
            "nomor",
            "--workers",
            workers,
            "--chunk-size",
            "1",
            "-o",
            str(out),
            "--no-progress",
        )
        assert result.returncode == 0, result.stderr
    assert one.read_text(encoding="utf-8") == two.read_text(encoding="utf-8")


def test_standard_input_and_output_make_a_filter() -> None:
    lines = "".join(json.dumps({"id": k, "text": t}) + "\n" for k, t, _ in COMPLAINTS)
    done = run("classify", "-", "--input-format", "jsonl", "--id-column", "id", stdin=lines)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(r["id"], r["category"]) for r in rows] == [(k, c) for k, _, c in COMPLAINTS]


def test_bad_invocations(csv_input: Path, tmp_path: Path) -> None:
    missing = run("classify", str(tmp_path / "none.csv"))
    assert missing.returncode != 0 and "not found" in missing.stderr
    no_column = run("classify", str(csv_input), "--text-column", "teks")
    assert no_column.returncode != 0 and "no column 'teks'" in no_column.stderr


def test_info_summarises_model_and_routing_table() -> None:
    result = run("info")
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["routing_table"]["city"] == "Kota Serang"
    assert info["model"]["backend"] == "linear"
    assert set(info["model"]["labels"]["category"]) >= {"infrastructure", "other"}


def one_error(stderr: str) -> str:
    """The single ``error:`` line of a failed run; no traceback anywhere."""
    assert "Traceback" not in stderr
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, stderr
    return errors[0]


def write_jsonl(path: Path, *items: object) -> Path:
    path.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
    return path


# Issue #12: each of these printed a traceback, or exited 0 after rejecting every row.
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["triage", "{csv}", "--threshold", "5"],
            "argument --threshold: must be above 0 and at most 1",
        ),
        (["triage", "{csv}", "--window", "-1"], "argument --window: must be at least 1, got -1"),
        (["classify", "{csv}", "--workers", "0"], "argument --workers: must be at least 1, got 0"),
        (["classify", "{csv}", "--workers", "99999"], "(twice this machine's cores), got 99999"),
        (
            ["classify", "{csv}", "--chunk-size", "x"],
            "argument --chunk-size: expected a whole number",
        ),
        (["classify", "{csv}", "--encoding", "klingon"], "unknown encoding 'klingon'"),
        (["classify", "{csv}", "-o", "{csv}/out.jsonl"], "cannot write --output"),
        (["classify", "{csv}", "-o", "{csv}"], "is the input file"),
        (["classify", "{tmp}"], "is a folder; give a file"),
        (["classify", "{csv}", "--model", "{tmp}/no-model"], "error: "),
    ],
)
def test_a_wrong_call_is_one_error_line_and_exit_2(
    args: list[str],
    message: str,
    csv_input: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    filled = [a.format(csv=csv_input, tmp=tmp_path) for a in args]
    try:
        code = main([*filled, "--no-progress"])
    except SystemExit as exc:  # argparse exits itself
        code = exc.code  # type: ignore[assignment]
    assert code == 2
    assert message in one_error(capsys.readouterr().err)


def test_version() -> None:
    done = run("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"complaint-nlp {complaint_nlp.__version__}"


def test_a_field_over_the_csv_limit_is_a_malformed_row(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "text"])
        writer.writerow(["A", "jalan rusak " * 12_000])  # 144,000 characters
        writer.writerow(["B", "lampu jalan mati"])
    done = run("classify", str(path), "--id-column", "id", "--no-progress")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "line 2: a field is longer than 20,000 characters" in done.stderr
    assert [json.loads(line)["id"] for line in done.stdout.splitlines()] == ["B"]


def test_blank_and_over_long_texts_are_malformed_like_in_the_api(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_jsonl(
        tmp_path / "in.jsonl",
        {"id": "A", "text": "   \t "},
        {"id": "B", "text": "x" * 20_001},
        {"id": "C", "text": "  " + "x" * 20_000 + "  "},  # the limit counts the stripped text
        {"id": "D", "text": "lampu jalan mati"},
    )
    assert main(["classify", str(path), "--id-column", "id", "--no-progress"]) == 0
    out, err = capsys.readouterr()
    assert "malformed row skipped: line 1: empty text" in err
    assert "malformed row skipped: line 2: text has 20,001 characters, the limit is 20,000" in err
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["C", "D"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b'{"isi": "jalan rusak"}\n{"isi": "lampu mati"}\n',
            "no row was classified (all 2 rows are malformed)",
        ),
        (b"", "no row was classified (no rows)"),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "line 1 is not UTF-8 text (byte 0x89 at column 1)",
        ),
    ],
)
def test_no_row_classified_exits_1(
    content: bytes, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(content)
    assert main(["classify", str(path), "--no-progress"]) == 1
    assert message in one_error(capsys.readouterr().err)


def test_latin1_input_is_refused_naming_the_line_until_its_encoding_is_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = "id,text\nA,lampu jalan mati\nB,pelayanan kafé kelurahan lambat\n"
    path = tmp_path / "latin1.csv"
    path.write_bytes(rows.encode("latin-1"))
    assert main(["classify", str(path), "--id-column", "id", "--no-progress"]) == 1
    assert one_error(capsys.readouterr().err) == (
        "error: line 3 is not UTF-8 text (byte 0xe9 at column 16); give the file's encoding, "
        "e.g. cp1252 or latin-1"
    )
    utf8 = tmp_path / "utf8.csv"
    utf8.write_text(rows, encoding="utf-8-sig")  # with the byte-order mark spreadsheets write
    assert main(["classify", str(utf8), "--id-column", "id", "--no-progress"]) == 0
    expected = capsys.readouterr().out
    args = ["classify", str(path), "--id-column", "id", "--encoding", "latin-1", "--no-progress"]
    assert main(args) == 0
    assert capsys.readouterr().out == expected


def test_the_progress_bar_counts_rows(jsonl_input: Path) -> None:
    done = run("classify", str(jsonl_input), "--id-column", "id")
    assert done.returncode == 0, done.stderr
    assert "7 rows" in done.stderr  # 4 classified + 3 malformed
    assert "B/s" not in done.stderr


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_triage_keeps_columns_and_the_masked_text(tmp_path: Path, suffix: str) -> None:
    source = tmp_path / "in.csv"
    with source.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["nomor", "isi", "tanggal", "kecamatan"])
        writer.writerow(["K-1", "Lampu jalan mati, hubungi 0812-3456-7890", "2024-03-01", "Curug"])
    out = tmp_path / f"out{suffix}"
    result = run("triage", str(source), "--text-column", "isi", "--id-column", "nomor",
                 "--keep-columns", "received_at=tanggal,kecamatan", "--keep-text",
                 "-o", str(out), "--no-progress")  # fmt: skip
    assert result.returncode == 0, result.stderr
    if suffix == ".csv":
        with out.open(encoding="utf-8") as f:
            row = next(csv.DictReader(f))
    else:
        row = json.loads(out.read_text(encoding="utf-8"))
    assert (row["received_at"], row["kecamatan"]) == ("2024-03-01", "Curug")
    assert row["text"] == "Lampu jalan mati, hubungi [TELEPON]"
    assert row["category"] and row["id"] == "K-1"


def test_triage_refuses_a_kept_column_that_is_missing(csv_input: Path) -> None:
    result = run("triage", str(csv_input), "--text-column", "isi", "--keep-columns", "tanggal",
                 "--no-progress")  # fmt: skip
    assert result.returncode == 2
    assert "no column 'tanggal' to keep" in result.stderr


def test_report_writes_the_page_and_tables(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "triase.csv")
    out = tmp_path / "laporan"
    columns = "received_at=tanggal_keluhan,answered_at=tanggal_ditanggapi"
    result = run("report", str(source), "--output", str(out), "--columns", columns)
    assert result.returncode == 0, result.stderr
    assert "report: 11 complaints, 2 periods" in result.stderr
    assert (out / "index.html").is_file()
    assert (out / "tables" / "deadline_by_unit.csv").is_file()


def test_report_refuses_a_file_that_is_not_triage_output(csv_input: Path, tmp_path: Path) -> None:
    result = run("report", str(csv_input), "-o", str(tmp_path / "laporan"))
    assert result.returncode == 2
    assert "the report reads the output of `complaint-nlp triage`" in result.stderr


@pytest.mark.parametrize(
    "mistake",
    [
        ["--text-column", "nope"],
        ["--keep-columns", "id=nomor"],  # a kept name the output already has
        ["--model", "/nonexistent/model"],
    ],
)
def test_a_failed_run_leaves_an_earlier_output_as_it_was(
    csv_input: Path, tmp_path: Path, mistake: list[str]
) -> None:
    out = tmp_path / "triase.csv"
    out.write_text("hasil kemarin\n", encoding="utf-8")
    result = run("triage", str(csv_input), "--text-column", "isi", *mistake, "-o", str(out))
    assert result.returncode == 2
    one_error(result.stderr)
    assert "malformed row skipped" not in result.stderr  # refused before reading rows
    assert out.read_text(encoding="utf-8") == "hasil kemarin\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


def test_a_successful_run_replaces_the_output(csv_input: Path, tmp_path: Path) -> None:
    out = tmp_path / "triase.jsonl"
    out.write_text("hasil kemarin\n", encoding="utf-8")
    result = run("classify", str(csv_input), "--text-column", "isi", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert all(json.loads(line)["category"] for line in out.read_text().splitlines())


def test_a_reader_that_stops_early_ends_the_run_quietly(tmp_path: Path) -> None:
    many = tmp_path / "banyak.jsonl"
    write_jsonl(many, *({"text": f"Lampu jalan nomor {i} mati sejak kemarin"} for i in range(3000)))
    shell = f"{sys.executable} -m complaint_nlp.cli classify {many} --no-progress | head -n 1"
    done = subprocess.run(
        ["bash", "-c", f"{shell} > /dev/null; echo ${{PIPESTATUS[0]}}"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.stdout.strip() == "141"  # as a shell reports a tool that SIGPIPE ended
    assert "error" not in done.stderr.lower() and "Traceback" not in done.stderr


def test_the_output_folder_is_made_when_missing(csv_input: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports" / "2026-11" / "triase.jsonl"  # as the README's worked example
    result = run("classify", str(csv_input), "--text-column", "isi", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").count("\n") >= 1


@pytest.mark.parametrize("separator", [";", "\t"])
def test_spreadsheet_separators_are_read(tmp_path: Path, separator: str) -> None:
    source = tmp_path / "ekspor.csv"
    source.write_text(
        f"nomor{separator}isi\nK-1{separator}Jalan rusak parah, tolong diperbaiki\n",
        encoding="utf-8",
    )
    result = run("classify", str(source), "--text-column", "isi", "--id-column", "nomor")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["id"] == "K-1"


def test_jsonl_read_as_csv_gets_a_hint_and_no_complaint_echoed() -> None:
    line = json.dumps({"text": "Nama saya Budi, jalan depan rumah rusak parah sejak lama sekali"})
    result = run("classify", "-", stdin=line + "\n")
    assert result.returncode == 2
    error = one_error(result.stderr)
    assert "--input-format jsonl" in error
    assert "rusak parah sejak lama" not in result.stderr


def test_an_unknown_output_suffix_needs_a_format(csv_input: Path, tmp_path: Path) -> None:
    result = run(
        "classify", str(csv_input), "--text-column", "isi", "-o", str(tmp_path / "x.parquet")
    )
    assert result.returncode == 2
    assert "--format" in one_error(result.stderr)


def test_report_examples_cannot_be_negative(tmp_path: Path) -> None:
    result = run("report", str(tmp_path / "x.csv"), "-o", str(tmp_path / "r"), "--examples", "-1")
    assert result.returncode == 2
    assert "at least 0" in one_error(result.stderr)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        # A typo in a required option read as that option missing, never naming the typo.
        (["--verison", "1.0"], "unrecognized arguments: --verison (did you mean --version?)"),
        (["--zzz=1"], "unrecognized arguments: --zzz"),
        # An abbreviation argparse takes, or a negative number, is no typo.
        (["--vers", "1.0", "--seed", "-1"], None),
        ([], "the following arguments are required: --version"),
    ],
)
def test_a_mistyped_option_is_named(
    argv: list[str], message: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    from complaint_nlp.cli import OneLineParser

    parser = OneLineParser(prog="train.py")
    parser.add_argument("--version", required=True)
    parser.add_argument("--seed", type=int, default=0)
    if message is None:
        assert parser.parse_args(argv).version == "1.0"
        return
    with pytest.raises(SystemExit) as stopped:
        parser.parse_args(argv)
    assert stopped.value.code == 2
    assert capsys.readouterr().err == f"error: {message} (see train.py --help)\n"
