"""The search page behind the top bar's search box."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from frontline.accounts.deps import DB
from frontline.web import search
from frontline.web.pages.queues import nav_context
from frontline.web.render import render
from frontline.web.session import Agent

router = APIRouter(prefix="/ui", include_in_schema=False)


@router.get("/search")
def search_page(request: Request, db: DB, agent: Agent, q: str = "") -> Response:
    hits = search.search(db, agent.principal, q[:200]) if q.strip() else []
    return render(request, "search.html", {"q": q, "hits": hits, **nav_context(db, agent), "current": ""})
