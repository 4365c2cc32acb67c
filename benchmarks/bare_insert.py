"""The reference for api_create.py: a bare FastAPI endpoint doing one SQLite insert per request.

Served like `frontline serve` (uvicorn, the same workers and options), so the ratio between the two says
what the desk's create path costs beyond the framework and one SQLite write transaction. One connection
per process (WAL, `synchronous=NORMAL`), the insert inline in an `async def` endpoint: the ceiling.
Started by api_create.py as `uvicorn bare_insert:app --app-dir benchmarks`, with the file in
`FRONTLINE_DATABASE_URL` (`sqlite:///PATH`) like the desk.
"""

from __future__ import annotations

import json
import os
import sqlite3

from fastapi import FastAPI, Response
from pydantic import BaseModel

SCHEMA = "CREATE TABLE IF NOT EXISTS bare (id INTEGER PRIMARY KEY, subject TEXT, body TEXT, email TEXT)"


class Customer(BaseModel):
    email: str


class Body(BaseModel):
    subject: str
    description: str
    priority: str = "normal"
    customer: Customer


def connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=5000"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute(SCHEMA)
    return conn


app = FastAPI()
_connection: list[sqlite3.Connection] = []


@app.post("/insert", status_code=201)
async def insert(body: Body) -> Response:
    if not _connection:
        _connection.append(connect(os.environ["FRONTLINE_DATABASE_URL"].split("///", 1)[1]))
    conn = _connection[0]
    conn.execute("BEGIN IMMEDIATE")
    row_id = conn.execute("INSERT INTO bare (subject, body, email) VALUES (?, ?, ?)",
                          (body.subject, body.description, body.customer.email)).lastrowid
    conn.execute("COMMIT")
    return Response(json.dumps({"id": row_id}), status_code=201, media_type="application/json")


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}
