"""The README's curl examples, run against the real app through its test client."""

import json
import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

from fastapi.testclient import TestClient

from service.app import create_app
from service.settings import Settings
from tests.databases import migrated_sqlite
from tests.fixtures import LOCAL

README = Path(__file__).parents[1] / "README.md"


def _curl_commands() -> list[list[str]]:
    lines = re.findall(r"^curl .+$", README.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return [shlex.split(line) for line in lines]


def test_readme_curl_examples_succeed(tmp_path: Path) -> None:
    commands = _curl_commands()
    assert len(commands) >= 5
    settings = Settings(database_url=migrated_sqlite(tmp_path / "f.db"))
    with TestClient(create_app(settings), client=LOCAL) as client:
        for words in commands:
            method, url, headers, data = "GET", "", {}, None
            args = iter(words[1:])
            for word in args:
                if word == "-X":
                    method = next(args)
                elif word == "-H":
                    name, value = next(args).split(":", 1)
                    headers[name.strip()] = value.strip()
                elif word == "-d":
                    data = json.loads(next(args))
                elif word.startswith("http"):
                    url = word
            path = urlsplit(url).path
            response = client.request(method, path, headers=headers, json=data)
            assert response.status_code < 300, (words, response.status_code, response.text)
