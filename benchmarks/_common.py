"""Inputs and timing helpers shared by the benchmarks."""

from __future__ import annotations

import csv
import random
import re
import socket
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import httpx2

SHARED_COMPLAINTS = (
    Path(__file__).resolve().parents[1].parent
    / "shared/datasets/external/surabaya-mediacenter/complaints.csv"
)

# Used only when ../shared is absent: complaint-like sentences written for this project.
_SYNTHETIC = [
    "jalan di depan sekolah berlubang besar sudah tiga bulan belum diperbaiki mohon segera",
    "lampu penerangan jalan mati sejak minggu lalu gang gelap rawan kejahatan",
    "air pdam tidak mengalir dua hari warga kesulitan air bersih untuk minum dan mandi",
    "petugas kelurahan tidak ramah dan meminta uang untuk mengurus surat pengantar",
    "aplikasi layanan online error terus tidak bisa login kode otp tidak masuk",
    "pohon besar tumbang menutup jalan dan menimpa kabel listrik warga takut lewat",
    "pengurusan akta kelahiran sudah dua bulan belum selesai padahal berkas lengkap",
    "saluran air tersumbat sampah sehingga air meluap masuk ke rumah warga saat hujan",
]


def complaint_texts(n: int, seed: int = 0) -> list[str]:
    """``n`` complaint texts: real ones from ../shared (kept in memory only), else synthetic."""
    rng = random.Random(seed)
    if SHARED_COMPLAINTS.exists():
        with SHARED_COMPLAINTS.open(encoding="utf-8") as f:
            texts = [row["keluhan"] for row in csv.DictReader(f) if len(row["keluhan"]) >= 200]
        return [rng.choice(texts) for _ in range(n)]
    return [" ".join(rng.choices(_SYNTHETIC, k=4)) for _ in range(n)]


def complaint_words(n: int, seed: int = 0) -> list[str]:
    """``n`` distinct lower-case words as they occur in complaints."""
    words = sorted({w for t in complaint_texts(3000) for w in re.findall(r"[a-z]+", t.lower())})
    random.Random(seed).shuffle(words)
    return words[:n]


def _seconds(fn: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def median_seconds(fn: Callable[[], object], repeat: int) -> float:
    return statistics.median(_seconds(fn, repeat))


def best_seconds(fn: Callable[[], object], repeat: int) -> float:
    """The fastest of ``repeat`` runs: the cost of the work itself on a machine whose other
    load (engineers' test runs on the same two cores) only ever adds time."""
    return min(_seconds(fn, repeat))


def report(name: str, value: str, goal: str, ok: bool) -> None:
    print(f"{name:<58} {value:>22}   goal {goal:<14} {'OK' if ok else 'MISSED'}")


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, seconds: float = 60) -> None:
    """Return once the service at ``url`` answers ``/readyz`` with 200; raise after ``seconds``."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if httpx2.get(f"{url}/readyz", timeout=5).status_code == 200:
                return
        except httpx2.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the service at {url} did not become ready in {seconds:.0f} s")
