"""Property-based requests generated from the OpenAPI schema: no input may cause a 500."""

import atexit
import tempfile
from pathlib import Path
from typing import Any

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from pydantic import SecretStr

from service.app import create_app
from service.settings import Settings
from tests.fixtures import LOCAL

# Schemathesis collects the operations at import time, so the app (and its lifespan: model,
# routing table, database) starts here and stops when the test process exits. It runs as a
# networked deployment would: with API keys (its own client is not a local address).
_folder = tempfile.TemporaryDirectory()
_KEY = "kunci-uji-schemathesis"
_app = create_app(
    Settings(
        database_url=f"sqlite:///{Path(_folder.name) / 'f.db'}",
        max_batch_items=20,
        api_keys=[SecretStr(_KEY)],
        classify_workers=1,
    )
)
_client = TestClient(_app, client=LOCAL)
_client.__enter__()
atexit.register(_folder.cleanup)
atexit.register(_client.__exit__, None, None, None)

schema = schemathesis.openapi.from_asgi("/openapi.json", _app)


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_causes_a_server_error(case: schemathesis.Case[Any]) -> None:
    response = case.call(headers={"X-API-Key": _KEY})
    assert response.status_code < 500, (case.method, case.path, response.status_code)
