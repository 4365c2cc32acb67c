"""The search page behind the top bar's search box: a ticket's number opens that ticket, other words list hits."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from frontline.accounts.deps import DB
from frontline.search import service as search
from frontline.web.pages.queues import nav_context
from frontline.web.render import render
from frontline.web.session import Agent

router = APIRouter(prefix="/ui", include_in_schema=False)


@router.get("/search")
def search_page(request: Request, db: DB, agent: Agent, q: str = "") -> Response:
    q = q[:200]
    ticket_id = search.ticket_by_number(db, agent.principal, q, request.app.state.settings.ticket_prefix)
    if ticket_id is not None:
        return RedirectResponse(f"/ui/tickets/{ticket_id}", status_code=303)
    hits = search.search(db, agent.principal, q) if q.strip() else []
    return render(request, "search.html", {"q": q, "hits": hits, **nav_context(db, agent), "current": ""})
