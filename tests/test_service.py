from fastapi.testclient import TestClient

from service.app import create_app


def test_health_and_readiness_without_a_model() -> None:
    with TestClient(create_app()) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["reason"] == "no model yet"
