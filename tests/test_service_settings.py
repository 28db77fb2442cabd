"""Settings are checked once, at start, and a bad one is one clear line."""

import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

import complaint_nlp
from complaint_nlp.persistence import MODELS_DIR
from service.settings import ConfigurationError, Settings, load_settings, unknown_variables
from tests.databases import migrated_sqlite
from tests.fixtures import UNTRUSTWORTHY_MODELS, free_port, model_copy, service_client

SECRET = "short-secret"
#: A usable key, in two role lists at once.
TWICE = f'["{SECRET * 2}"]'
NOT_A_LIST = (
    "Value error, must be a JSON list of keys, e.g. "
    """COMPLAINT_API_KEYS='["a-key-of-16-chars-or-more"]'"""
)


def _serve(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("COMPLAINT_")}
    return subprocess.run(
        [sys.executable, "-m", "service", *args],
        env={**clean, **env}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"COMPLAINT_API_KEYS": f'["", "{SECRET}"]'}, "COMPLAINT_API_KEYS[0]"),
        # Before: 'error parsing value for field "api_keys" from source "EnvSettingsSource"'.
        ({"COMPLAINT_API_KEYS": f"not json {SECRET}"}, f"COMPLAINT_API_KEYS: {NOT_A_LIST}"),
        ({"COMPLAINT_API_KEYS": SECRET * 2}, f"COMPLAINT_API_KEYS: {NOT_A_LIST}"),  # a bare key
        (
            {"COMPLAINT_REVIEWER_KEYS": f'"{SECRET * 2}"'},  # JSON, but a string
            f"COMPLAINT_REVIEWER_KEYS: {NOT_A_LIST.replace('API', 'REVIEWER')}",
        ),
        ({"COMPLAINT_ADMIN_KEY": SECRET}, "COMPLAINT_ADMIN_KEY"),
        ({"COMPLAINT_MAX_BATCH_ITEMS": "0"}, "COMPLAINT_MAX_BATCH_ITEMS"),
        ({"COMPLAINT_MAX_TEXT_CHARS": "lots"}, "COMPLAINT_MAX_TEXT_CHARS"),
        ({"COMPLAINT_CLASSIFY_TIMEOUT_SECONDS": "-1"}, "COMPLAINT_CLASSIFY_TIMEOUT_SECONDS"),
        # Before: "should be less than or equal to 3600".
        ({"COMPLAINT_CLASSIFY_TIMEOUT_SECONDS": "nan"}, "SECONDS: Input should be a finite"),
        ({"COMPLAINT_SESSION_HOURS": "inf"}, "COMPLAINT_SESSION_HOURS: Input should be a finite"),
        ({"COMPLAINT_LOG_LEVEL": "LOUD"}, "COMPLAINT_LOG_LEVEL"),
        ({"COMPLAINT_DATABASE_URL": "::nonsense::"}, "COMPLAINT_DATABASE_URL"),
        ({"COMPLAINT_MAX_BATCH_BYTES": "2048", "COMPLAINT_MAX_BODY_BYTES": "4096"}, "max_batch"),
        ({"COMPLAINT_MAX_BATCH_CHARS": "100"}, "max_batch_chars must be at least max_text_chars"),
        ({"COMPLAINT_REVIEWER_KEYS": f'["{SECRET}"]'}, "COMPLAINT_REVIEWER_KEYS[0]"),
        ({"COMPLAINT_SESSION_SECRET": SECRET}, "COMPLAINT_SESSION_SECRET"),
        ({"COMPLAINT_REVIEW_QUEUE": "perhaps"}, "COMPLAINT_REVIEW_QUEUE"),
        ({"COMPLAINT_API_KEYS": TWICE, "COMPLAINT_REVIEWER_KEYS": TWICE}, "listed twice"),
    ],
)
def test_bad_settings_are_one_line_without_a_traceback(env: dict[str, str], named: str) -> None:
    run = _serve(**env)
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("error: invalid settings: ")
    assert named in lines[0]
    assert SECRET not in run.stderr  # a key or secret is never printed back


def test_load_settings_raises_a_library_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPLAINT_API_KEYS", '[""]')
    with pytest.raises(ConfigurationError) as caught:
        load_settings()
    assert isinstance(caught.value, complaint_nlp.ComplaintNLPError)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("port", ["99999", "0", "-1", "65536"])
def test_a_port_outside_1_to_65535_is_one_line(port: str) -> None:
    # Before: --port 99999 listened on 34463 while the banner said 99999.
    run = _serve("--port", port)
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [f"error: --port {port} is not a TCP port (1-65535)"]


@pytest.mark.parametrize("workers", ["0", "65"])
def test_a_workers_count_outside_1_to_64_is_one_line(workers: str) -> None:
    # Before: argparse's usage and all 64 allowed numbers.
    run = _serve("--workers", workers)
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [
        f"error: --workers {workers}: give 1 to 64 processes"
    ]


def test_a_port_in_use_is_one_line(tmp_path: Path) -> None:
    # Before: uvicorn's "ERROR: [Errno 98] ..." and exit code 3, after the model loaded.
    database = migrated_sqlite(tmp_path / "f.db")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = _serve("--port", str(port), COMPLAINT_DATABASE_URL=database)
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [
        f"error: cannot listen on 127.0.0.1:{port}: Address already in use"
    ]


def test_version() -> None:
    run = _serve("--version")
    assert run.returncode == 0
    assert run.stdout.strip() == f"complaint_nlp {complaint_nlp.__version__}"


def test_log_level_is_case_insensitive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPLAINT_LOG_LEVEL", "warning")
    assert load_settings().log_level == "WARNING"


def test_database_urls_name_sqlite_or_postgresql_driven_by_psycopg() -> None:
    url = Settings(database_url="postgresql://desk:p%40ss@127.0.0.1:5432/keluhan").database_url
    assert url == "postgresql+psycopg://desk:p%40ss@127.0.0.1:5432/keluhan"
    with pytest.raises(ValidationError, match="sqlite:///PATH and postgresql://"):
        Settings(database_url="mysql://desk@127.0.0.1/keluhan")
    with pytest.raises(ValidationError, match="driven by psycopg 3"):
        Settings(database_url="postgresql+psycopg2://desk@127.0.0.1/keluhan")


@pytest.mark.parametrize(
    ("misspelt", "meant"),
    [
        ("COMPLAINT_API_KEY", "COMPLAINT_API_KEYS"),
        ("COMPLAINT_ADMIN_KEYS", "COMPLAINT_ADMIN_KEY"),
        ("COMPLAINT_REVIEWERS_KEYS", "COMPLAINT_REVIEWER_KEYS"),
        ("complaint_model", "COMPLAINT_MODEL_PATH"),
        ("COMPLAINT_DB_URL", "COMPLAINT_DATABASE_URL"),
    ],
)
def test_unknown_variables_are_named_with_the_closest_setting(misspelt: str, meant: str) -> None:
    environ = {misspelt: SECRET, "COMPLAINT_LOG_LEVEL": "INFO", "complaint_max_text_chars": "9"}
    assert unknown_variables(environ) == [(misspelt, meant)]
    assert unknown_variables({"PROMETHEUS_MULTIPROC_DIR": "/tmp", "COMPLAINTS": "x"}) == []


def test_the_service_warns_at_start_about_each_unknown_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Before: COMPLAINT_API_KEY (for COMPLAINT_API_KEYS) was ignored without a word, and the
    # service ran without keys.
    monkeypatch.setenv("COMPLAINT_API_KEY", f'["{SECRET * 2}"]')
    monkeypatch.setenv("COMPLAINT_ADMIN_KEYS", SECRET * 2)
    with service_client(tmp_path):
        pass
    logged = capsys.readouterr().err
    warnings = [
        json.loads(line)["message"] for line in logged.splitlines() if "not a setting" in line
    ]
    assert warnings == [
        "COMPLAINT_ADMIN_KEYS is not a setting and is ignored; did you mean COMPLAINT_ADMIN_KEY?",
        "COMPLAINT_API_KEY is not a setting and is ignored; did you mean COMPLAINT_API_KEYS?",
    ]
    assert SECRET not in logged


def _table(folder: Path, text: str) -> str:
    path = folder / "table.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        (lambda folder: str(folder / "nope.toml"), "routing table not found: "),
        (lambda folder: str(folder), "routing table unreadable: "),
        (lambda folder: "/dev/zero", "not a regular file"),  # read for ever (a probe)
        (lambda folder: _table(folder, "city ="), "not valid TOML"),
        (lambda folder: _table(folder, '[[units]]\nid = "dpupr"\n'), "city: Field required; "),
    ],
)
def test_a_routing_table_that_cannot_serve_stops_the_service_in_one_line(
    tmp_path: Path, table: Callable[[Path], str], problem: str
) -> None:
    # Before: the server started, failed in its lifespan, printed a 55-line traceback and
    # exited 3.
    path = table(tmp_path)
    run = _serve("--port", str(free_port()), COMPLAINT_ROUTING_TABLE=path,
                 COMPLAINT_DATABASE_URL=migrated_sqlite(tmp_path / "f.db"))  # fmt: skip
    assert run.returncode == 2, run.stderr
    (line,) = run.stderr.strip().splitlines()
    assert line.startswith("error: COMPLAINT_ROUTING_TABLE: ")
    assert path in line and problem in line


@pytest.mark.parametrize("edit", [None, *UNTRUSTWORTHY_MODELS])
def test_a_configured_model_that_cannot_be_loaded_stops_the_service_in_one_line(
    tmp_path: Path, edit: Callable[[dict[str, Any]], None] | None
) -> None:
    # Before: the service started without a model and answered 503 for ever.
    path = tmp_path / "none" if edit is None else model_copy(tmp_path, edit)
    run = _serve("--port", str(free_port()), COMPLAINT_MODEL_PATH=str(path),
                 COMPLAINT_DATABASE_URL=migrated_sqlite(tmp_path / "f.db"))  # fmt: skip
    assert run.returncode == 2, run.stderr
    (line,) = run.stderr.strip().splitlines()
    assert line.startswith("error: COMPLAINT_MODEL_PATH: ")
    assert str(path) in line


def test_a_configured_model_that_loads_passes_the_start_check() -> None:
    from service.__main__ import _model_problem

    assert (
        _model_problem(Settings(model_path=max((MODELS_DIR / "complaint-classifier").iterdir())))
        is None
    )
    assert _model_problem(Settings()) is None  # the shipped model: create_app's not-ready rule


def test_an_unreachable_database_is_one_warning_at_start(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from service.__main__ import _schema_problem

    url = "postgresql://desk:rahasia@127.0.0.1:1/x"  # nothing listens on port 1
    assert _schema_problem(Settings(database_url=url)) is None  # starts, not ready
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("warning: the database postgresql+psycopg://desk:***@127.0.0.1:1/x")
    assert "rahasia" not in line
