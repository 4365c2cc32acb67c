"""Schemathesis stateful run: sequences of calls chained by the served OpenAPI document's links (`kit/openapi.py`:
an object created by one operation is read, changed and used by the next), on SQLite and PostgreSQL.

Same checks as the per-operation fuzzer (`tests/support/fuzz.py`), a derandomised run with a bounded number
of scenarios and steps. Bigger runs: `FRONTLINE_FUZZ_SCENARIOS=200 .venv/bin/pytest -m fuzz -s -k stateful`.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from sqlalchemy import text

from frontline.kit.db import Database
from frontline.models import metadata
from tests.conftest import PROCRASTINATE_TABLES
from tests.factories import Desk, make_desk
from tests.support.fuzz import CHECKS

pytestmark = [pytest.mark.fuzz, pytest.mark.slow]
SCENARIOS = int(os.environ.get("FRONTLINE_FUZZ_SCENARIOS", "20"))
STEPS = int(os.environ.get("FRONTLINE_FUZZ_STEPS", "6"))


def _empty(database: Database) -> None:
    with database.writer.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(PROCRASTINATE_TABLES)} CASCADE"))


def test_fuzz_call_sequences(app, database: Database, desk: Desk) -> None:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    calls: Counter[str] = Counter()
    failures: list[str] = []
    headers = dict(desk.admin.headers)

    class Machine(schema.as_state_machine()):  # type: ignore[misc]
        def teardown(self) -> None:  # each scenario starts from the same desk, so a replay draws the same steps
            _empty(database)
            headers.update(make_desk(database).admin.headers)

        def before_call(self, case: Any) -> None:
            case.headers = {**(case.headers or {}), **headers}  # generated auth headers would only test 401s

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            calls[f"{case.method} {case.path} {response.status_code}"] += 1
            try:  # collected, not raised: a replay against a changed database would not draw the same steps
                case.validate_response(response, checks=CHECKS)
            except (Exception, BaseExceptionGroup) as exc:
                failures.append(f"{case.method} {case.path} -> {response.status_code}: {str(exc)[:1500]}")

    links = sum(1 for _ in Machine.bundles) if hasattr(Machine, "bundles") else None
    Machine.run(settings=hypothesis.settings(
        max_examples=SCENARIOS, stateful_step_count=STEPS, derandomize=True, database=None, deadline=None,
        phases=[Phase.generate], suppress_health_check=list(HealthCheck), print_blob=False))
    print(f"\nstateful fuzz: {SCENARIOS} scenarios, {sum(calls.values())} calls, {len(calls)} (operation, status)"
          f" pairs, {links} bundles, {len(failures)} failures")
    print(calls.most_common(40))
    assert failures == [], "\n".join(failures)
    assert sum(calls.values()) >= SCENARIOS * 2
    chained = sum(n for k, n in calls.items() if "{" in k and k.split()[-1].startswith("2"))
    assert chained > 0, "no call reached an object made earlier in its sequence: the links are not followed"
    assert not any(k.endswith(" 401") and "/portal/" not in k and "/auth/login" not in k for k in calls), \
        "the admin's token was not sent"
