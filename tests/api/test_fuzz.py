"""Schemathesis over every operation of the served OpenAPI document, on SQLite and PostgreSQL.

Checks: no server error, status codes and content types as documented, responses matching their
schemas, response headers as documented, and that operations declaring the bearer scheme refuse a
request without it. Fixed seed, a bounded number of examples per operation and generation mode
(positive and negative), each with generated path parameters and with existing objects' ids.

Bigger runs: `FRONTLINE_FUZZ_EXAMPLES=200 FRONTLINE_FUZZ_SEED=7 .venv/bin/pytest -m fuzz -s` (the counts
are printed with `-s`); `-m "not fuzz"` leaves it out.
"""

from __future__ import annotations

import os

import pytest
import schemathesis

from tests.api.conftest import Seeded
from tests.factories import Desk
from tests.support.fuzz import fuzz

pytestmark = [pytest.mark.fuzz, pytest.mark.slow]
EXAMPLES = int(os.environ.get("FRONTLINE_FUZZ_EXAMPLES", "6"))
SEED = int(os.environ.get("FRONTLINE_FUZZ_SEED", "20260110"))


def test_fuzz_every_operation(app, client, desk: Desk, seeded: Seeded) -> None:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)

    def headers_for(label: str) -> dict[str, str]:
        return dict(desk.admin.headers)

    report = fuzz(schema, headers_for=headers_for, pinned=seeded.ids, examples=EXAMPLES, seed=SEED)
    print("\nfuzz:", report.summary().splitlines()[0])
    print("slowest:", report.time_per_operation.most_common(8))
    assert report.operations >= 85
    assert report.examples >= report.operations * EXAMPLES
    assert not report.failures, report.summary()
