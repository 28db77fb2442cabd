"""A small labelled complaint set written for the tests (no text from ../shared)."""

from __future__ import annotations

import contextlib
import csv
import itertools
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx2
from fastapi.testclient import TestClient

from complaint_nlp.dataset import Record
from complaint_nlp.persistence import MODELS_DIR

# (category, urgency, unit, complaint templates); {p} is a place, {n} a number.
TEMPLATES = [
    (
        "infrastructure",
        "medium",
        "public_works",
        [
            "jalan di {p} berlubang besar sudah {n} bulan belum diperbaiki",
            "aspal jalan {p} rusak parah dan bergelombang mohon segera ditambal",
            "saluran air di {p} mampet penuh sampah sehingga bau",
        ],
    ),
    (
        "infrastructure",
        "high",
        "public_works",
        [
            "pohon besar tumbang menutup jalan {p} dan menimpa kabel listrik",
            "banjir masuk rumah warga {p} setinggi lutut sejak semalam",
            "tutup gorong-gorong di {p} hilang lubang menganga sudah ada pengendara jatuh",
        ],
    ),
    (
        "infrastructure",
        "low",
        "transport",
        [
            "usul dipasang lampu penerangan jalan baru di {p} supaya lebih terang",
            "mohon informasi jadwal pengecatan marka jalan di {p}",
            "saran agar taman di {p} ditambah bangku untuk warga",
        ],
    ),
    (
        "human_resources",
        "medium",
        "sub_district",
        [
            "petugas kelurahan {p} tidak ramah dan membentak warga saat melayani",
            "pegawai di kantor {p} tidak ada di tempat saat jam kerja",
            "oknum petugas {p} meminta uang {n} ribu untuk mengurus surat pengantar",
        ],
    ),
    (
        "bureaucracy",
        "medium",
        "civil_registry",
        [
            "pengurusan akta kelahiran di {p} sudah {n} bulan belum selesai",
            "ktp elektronik saya belum jadi padahal sudah rekam {n} bulan lalu",
            "persyaratan kartu keluarga berubah ubah harus bolak balik ke {p}",
        ],
    ),
    (
        "bureaucracy",
        "low",
        "social_affairs",
        [
            "bagaimana cara mendaftar bantuan sosial untuk warga {p}",
            "mohon info syarat pengajuan data keluarga miskin di {p}",
            "apa saja berkas yang diperlukan untuk bantuan pendidikan di {p}",
        ],
    ),
    (
        "information_technology",
        "medium",
        "communication_it",
        [
            "aplikasi layanan warga error tidak bisa login sejak {n} hari",
            "website pendaftaran online tidak bisa dibuka selalu gagal memuat",
            "kode otp aplikasi tidak masuk ke nomor saya sudah dicoba {n} kali",
        ],
    ),
    (
        "other",
        "low",
        "public_order",
        [
            "banyak juru parkir liar di depan pasar {p} meminta tarif mahal",
            "pedagang kaki lima berjualan di trotoar {p} mengganggu pejalan kaki",
            "terima kasih atas pelayanan yang cepat di {p} sangat membantu",
        ],
    ),
]
#: A TestClient caller on this machine (the default "testclient" host is not an address, and a
#: service without API keys only answers local callers).
LOCAL = ("127.0.0.1", 50000)
#: Keys of the length the settings require (at least 16 characters).
KEY = "kunci-rahasia-uji-1"
ADMIN_KEY = "kunci-admin-uji-0001"

#: Complaints written for the review desk's tests and the README's picture of it, each one the
#: shipped model flags for review; the first holds a phone number, the third markup.
DESK_COMPLAINTS = [
    ("LAPOR-2026-1041", "Saya mengurus akta kelahiran anak di Disdukcapil Kota Serang sejak bulan "
     "lalu, katanya blangko habis. Padahal akta dibutuhkan untuk daftar sekolah minggu depan. "
     "Hubungi saya di 0812-3456-7890."),
    ("LAPOR-2026-1042", "Lampu penerangan jalan di Jalan Raya Taktakan mati semua sejak tiga hari, "
     "malam hari gelap gulita dan rawan begal."),
    ("WA-0815", "Aplikasi pendaftaran online puskesmas tidak bisa dibuka dari kemarin, muncul "
     "tulisan <script>alert(1)</script> error 500."),
    ("LAPOR-2026-1044", "Di loket kecamatan ada yang bilang surat pindah bisa cepat selesai "
     "kalau ada uang lelah. Apakah ini resmi?"),
]  # fmt: skip
#: Debian's Chromium, as the report's page test drives it (scripts/screenshot_report.py).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]  # fmt: skip

PLACES = ["cipocok", "kasemen", "taktakan", "walantaka", "curug", "serang kota"]
FIRST_DAY = date(2024, 1, 1)


def fixture_records(per_template: int = 4) -> list[Record]:
    """Complaints over eight months: train Jan-Apr, validation May-Jun, test Jul-Aug."""
    records = []
    counter = itertools.count()
    for category, urgency, unit, templates in TEMPLATES:
        for template in templates:
            for k in range(per_template * 2):
                i = next(counter)
                text = template.format(p=PLACES[k % len(PLACES)], n=k + 2)
                records.append((i, category, urgency, unit, f"{text} ({k})"))
    out = []
    for i, category, urgency, unit, text in records:
        day = FIRST_DAY + timedelta(days=(i * 37) % 240)
        split = "train" if day.month <= 4 else "validation" if day.month <= 6 else "test"
        out.append(Record(str(i), day, text, category, urgency, unit, "annotation", split))
    return out


def service_client(tmp_path: Path, caller: tuple[str, int] = LOCAL, **settings: Any) -> TestClient:
    """A test client of the real app with its own database; one classifier worker unless
    ``classify_workers`` is given (each worker loads the model)."""
    from service.app import create_app
    from service.settings import Settings
    from tests.databases import migrated_sqlite

    if "database_url" not in settings:
        settings["database_url"] = migrated_sqlite(tmp_path / "feedback.db")
    settings.setdefault("classify_workers", 1)
    return TestClient(create_app(Settings(**settings)), client=caller)


def model_copy(tmp_path: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    """A copy of the shipped model's newest version with its metadata changed by ``edit``."""
    shipped = max((MODELS_DIR / "complaint-classifier").iterdir())
    folder = tmp_path / "models" / shipped.name
    shutil.copytree(shipped, folder)
    meta = json.loads((folder / "metadata.json").read_text())
    edit(meta)
    (folder / "metadata.json").write_text(json.dumps(meta))
    return folder


#: Edits of :func:`model_copy` that leave a model no one should load.
UNTRUSTWORTHY_MODELS: list[Callable[[dict[str, Any]], None]] = [
    lambda meta: meta.update(safety_signals_file="signals.txt"),  # missing
    lambda meta: meta["thresholds"].update(high="abc"),
    lambda meta: meta.update(inference_file="../../../etc/passwd"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_service(
    database_url: str, port: int, *args: str, **settings: str
) -> subprocess.Popen[bytes]:
    """``python -m service`` (what ``make run`` runs: uvicorn with uvloop) on ``port`` with the
    database at ``database_url`` (migrated), more arguments, and ``settings`` as more variables:
    ``reviewer_keys='["..."]'`` sets ``COMPLAINT_REVIEWER_KEYS``, an upper-case name (another
    program's, such as ``PROMETHEUS_MULTIPROC_DIR``) is set as it is."""
    variables = {name if name.isupper() else f"COMPLAINT_{name.upper()}": value
                 for name, value in settings.items()}  # fmt: skip
    env = {**os.environ, "COMPLAINT_DATABASE_URL": database_url,
           "COMPLAINT_LOG_LEVEL": "WARNING", **variables}  # fmt: skip
    server = subprocess.Popen(  # the command `make run` uses
        [sys.executable, "-m", "service", "--host", "127.0.0.1", "--port", str(port), *args],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,  # a group of its own, which stop_service can end whole
    )  # fmt: skip
    deadline = time.time() + 60
    while time.time() < deadline and server.poll() is None:
        try:
            if httpx2.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return server
        except httpx2.HTTPError:
            pass
        time.sleep(0.2)
    stop_service(server)
    raise AssertionError("the service did not start")


def stop_service(server: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    """Stop a server of :func:`start_service` with ``sig`` (SIGKILL: as a crash would), and
    whatever of its process group outlives it."""
    with contextlib.suppress(ProcessLookupError):
        server.send_signal(sig)
    try:
        server.wait(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)


def desk_sign_ins_held(client: httpx2.Client, looks: int, key: str | None = None) -> list[bool]:
    """Sign in to the review desk through its form, then look at the desk ``looks`` times: for
    each look, whether it shows the reviewer signed in (each request may meet another process,
    which must read the session another signed)."""
    page = client.get("/review").text
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token is not None, "no sign-in form"
    form = {"csrf": token.group(1), "reviewer": "Petugas Uji"} | ({"key": key} if key else {})
    answer = client.post("/review/signin", data=form, follow_redirects=False)
    assert answer.headers.get("location") == "/review", answer.text
    return [
        "Petugas: <strong>Petugas Uji</strong>" in client.get("/review").text for _ in range(looks)
    ]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    """Write a small CSV file for a test and return its path."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


# The hostile texts reported in issue #12 (20,000 characters; the first took 7.4 s to normalise
# before the patterns were made linear), with what normalize() makes of them: the whole text
# pipeline gives the same, as their words are no stop words and their own stems.
REPORTED_HOSTILE = [
    ("a-" * 9999 + "/", "a-" * 9998 + "a"),
    ("@" + "a" * 19999, "__mention__"),
    ("a." * 10000, " ".join(["a"] * 10000)),
    ("1-" * 10000, "1-" * 9999 + "1"),
    ("_" * 20000, "_" * 20000),
    ("w" * 19999 + "@", "w"),
]
