"""The real thing: `frontline migrate`, `createadmin`, `token create` and `serve` as processes, used over HTTP."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from tests.support.serve import run_cli, serve_process


@pytest.fixture
def process_env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "FRONTLINE_DATABASE_URL": database_url, "FRONTLINE_DATA_DIR": str(tmp_path / "data"),
            "FRONTLINE_SECRET_KEY": "process-test", "FRONTLINE_LOG_LEVEL": "WARNING"}


def test_cli_and_server_process(process_env: dict[str, str]) -> None:
    assert run_cli(process_env, "migrate").returncode == 0
    made = run_cli(process_env, "createadmin", "--email", "boss@desk.example", "--password", "long enough pw")
    assert made.returncode == 0, made.stderr
    again = run_cli(process_env, "createadmin", "--email", "boss@desk.example", "--password", "long enough pw")
    assert again.returncode == 1 and "already exists" in again.stdout
    bad_scope = run_cli(process_env, "token", "create", "--email", "boss@desk.example", "--scopes", "root")
    assert bad_scope.returncode == 2
    token = run_cli(process_env, "token", "create", "--email", "boss@desk.example").stdout.strip()
    assert token.startswith("fl_")

    with serve_process(process_env) as base:
        headers = {"Authorization": f"Bearer {token}"}
        created = httpx.post(f"{base}/api/v1/tickets", headers=headers, timeout=10, json={
            "subject": "Принтер горит", "description": "Help", "customer": {"email": "ann@client.example"}})
        assert created.status_code == 201, created.text
        number = created.json()["number"]
        got = httpx.get(f"{base}/api/v1/tickets/{number}", headers=headers, timeout=10)
        assert got.status_code == 200 and got.json()["subject"] == "Принтер горит"
        assert httpx.get(f"{base}/api/v1/tickets/{number}", timeout=10).status_code == 401
        assert httpx.get(f"{base}/api/v1/openapi.json", timeout=10).json()["info"]["title"] == "Frontline"


def test_demo_command_builds_a_desk(process_env: dict[str, str]) -> None:
    assert run_cli(process_env, "migrate").returncode == 0
    result = run_cli(process_env, "demo", "--tickets", "300", "--months", "2")
    assert result.returncode == 0, result.stderr
    assert "Demo desk ready" in result.stdout
    assert "Routing model trained on the demo history: category" in result.stdout
    from frontline.routing.training import current

    assert current(Path(process_env["FRONTLINE_DATA_DIR"])) is not None  # new tickets get classified
    skipped = run_cli(process_env, "demo", "--if-empty")
    assert "skipped" in skipped.stdout
    token = (Path(process_env["FRONTLINE_DATA_DIR"]) / "demo-token.txt").read_text().strip()
    from fastapi.testclient import TestClient

    from frontline.api.app import create_app
    from frontline.kit.settings import Settings

    app = create_app(Settings(database_url=process_env["FRONTLINE_DATABASE_URL"]))
    with TestClient(app) as client:
        page = client.get("/api/v1/tickets?limit=200", headers={"Authorization": f"Bearer {token}"}).json()
        assert len(page["items"]) == 200 and page["next_cursor"]
        statuses = {t["status"] for t in page["items"]}
        assert "closed" in statuses
        teams = client.get("/api/v1/teams", headers={"Authorization": f"Bearer {token}"}).json()
        assert {t["line"] for t in teams} == {"L1", "L2", "L3"}
        first = page["items"][-1]
        msgs = client.get(f"/api/v1/tickets/{first['id']}/messages", headers={"Authorization": f"Bearer {token}"})
        assert msgs.json()[0]["kind"] == "inbound"
