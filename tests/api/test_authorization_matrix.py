"""Who may call every route, generated from the route table: a route without an entry fails.

Callers: anonymous, a customer link, an agent of the ticket's team, an agent outside it, a supervisor,
an admin, a read-only token and an integration token. Path parameters name real objects of the first
line's team (tests/api/conftest.py), bodies are empty (`{}`), so an allowed call may still be a 422:
what is checked is the authorization answer: 401 without a credential, 403 for a missing scope or
role, 404 for an object outside the caller's reach (or, for a caller who sent a credential, the 422 of
the empty body, which is checked before a role and reveals nothing; an anonymous caller gets 401 before
any 422), and no 401/403 for callers who are allowed.
Every status seen must also be documented for the operation in the OpenAPI document.
"""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute, iter_route_contexts

from frontline.accounts.auth import issue_token
from frontline.accounts.models import User
from tests.api.conftest import Seeded
from tests.factories import Desk, make_agent

CALLERS = ("anonymous", "link", "in_team", "outside", "supervisor", "admin", "read_only", "intake")
# who is allowed, per policy; the others get the denial that follows from who they are
POLICIES = {
    "public": set(CALLERS),
    "login": set(CALLERS),
    "me": {"in_team", "outside", "supervisor", "admin", "read_only", "intake"},
    "read": {"in_team", "outside", "supervisor", "admin", "read_only"},
    "write": {"in_team", "outside", "supervisor", "admin"},
    "ticket_read": {"in_team", "supervisor", "admin", "read_only"},
    "ticket_write": {"in_team", "supervisor", "admin"},
    "supervisor_read": {"supervisor", "admin"},
    "supervisor_write": {"supervisor", "admin"},
    "admin": {"admin"},
    "admin_or_self": {"admin", "in_team"},  # {user_id} is the in-team agent: their own name, language, availability
    "owner": {"admin"},  # the admin's own token: another writer gets the 404 of a token they cannot see
    "link": {"link"},
    "intake": {"intake"},
}
API = {
    "POST /api/v1/tickets": "write", "GET /api/v1/tickets": "read", "GET /api/v1/tickets/{ref}": "ticket_read",
    "PATCH /api/v1/tickets/{ref}": "ticket_write", "POST /api/v1/tickets/{ref}/merge": "ticket_write",
    "GET /api/v1/tickets/{ref}/events": "ticket_read", "GET /api/v1/tickets/{ref}/messages": "ticket_read",
    "POST /api/v1/tickets/{ref}/messages": "ticket_write", "POST /api/v1/tickets/{ref}/attachments": "ticket_write",
    "GET /api/v1/attachments/{attachment_id}": "ticket_read",
    "DELETE /api/v1/tickets/{ref}/customer-link": "ticket_write",
    "POST /api/v1/tickets/{ref}/customer-link": "ticket_write", "POST /api/v1/auth/login": "login",
    "GET /api/v1/me": "me", "POST /api/v1/me/password": "write", "GET /api/v1/users": "read",
    "POST /api/v1/users": "admin", "GET /api/v1/users/{user_id}": "read",
    "PATCH /api/v1/users/{user_id}": "admin_or_self",
    "GET /api/v1/teams": "read", "POST /api/v1/teams": "admin", "GET /api/v1/teams/{team_id}": "read",
    "PATCH /api/v1/teams/{team_id}": "admin", "GET /api/v1/tokens": "read", "POST /api/v1/tokens": "write",
    "DELETE /api/v1/tokens/{token_id}": "owner", "GET /api/v1/contacts": "read", "POST /api/v1/contacts": "write",
    "GET /api/v1/contacts/{contact_id}": "ticket_read", "PATCH /api/v1/contacts/{contact_id}": "ticket_write",
    "DELETE /api/v1/contacts/{contact_id}/customer-links": "supervisor_write",
    "POST /api/v1/contacts/{contact_id}/merge": "supervisor_write",
    "GET /api/v1/organisations": "read", "POST /api/v1/organisations": "write",
    "GET /api/v1/organisations/{org_id}": "read", "PATCH /api/v1/organisations/{org_id}": "write",
    "GET /api/v1/portal/{link}": "link", "POST /api/v1/portal/{link}/messages": "link",
    "POST /api/v1/portal/{link}/solve": "link", "POST /api/v1/portal/{link}/attachments": "link",
    "GET /api/v1/portal/{link}/attachments/{attachment_id}": "link",
    "POST /api/v1/tickets/{ref}/escalate": "ticket_write", "POST /api/v1/tickets/{ref}/deescalate": "ticket_write",
    "GET /api/v1/tickets/{ref}/suggestions": "ticket_read", "GET /api/v1/tickets/{ref}/sentiment": "ticket_read",
    "GET /api/v1/teams/{team_id}/routing": "read", "PUT /api/v1/teams/{team_id}/routing": "supervisor_write",
    "GET /api/v1/sla/calendars": "read", "POST /api/v1/sla/calendars": "supervisor_write",
    "PUT /api/v1/sla/calendars/{calendar_id}": "supervisor_write", "GET /api/v1/sla/policies": "read",
    "GET /api/v1/sla/apply": "supervisor_read", "POST /api/v1/sla/apply": "supervisor_write",
    "POST /api/v1/sla/policies": "supervisor_write", "PUT /api/v1/sla/policies/{policy_id}": "supervisor_write",
    "GET /api/v1/tickets/{ref}/sla": "ticket_read", "GET /api/v1/mailboxes": "admin",
    "POST /api/v1/mailboxes": "admin", "GET /api/v1/mailboxes/{name}": "admin",
    "PATCH /api/v1/mailboxes/{name}": "admin", "POST /api/v1/mailboxes/{name}/tokens": "admin",
    "POST /api/v1/mailboxes/{name}/raw": "intake", "GET /api/v1/raw-emails/{raw_id}": "ticket_read",
    "GET /api/v1/raw-emails/{raw_id}/original": "ticket_read",
    "POST /api/v1/tickets/{ref}/email/confirm-sender": "ticket_write",
    "GET /api/v1/planner/forecast": "supervisor_read", "GET /api/v1/planner/staffing": "supervisor_read",
    "POST /api/v1/planner/schedules/build": "supervisor_read", "POST /api/v1/planner/schedules": "supervisor_write",
    "GET /api/v1/planner/schedules": "supervisor_read", "GET /api/v1/planner/schedules/{schedule_id}":
    "supervisor_read", "GET /api/v1/planner/schedules/{schedule_id}/schedule.csv": "supervisor_read",
    "POST /api/v1/planner/check": "supervisor_read", "POST /api/v1/planner/simulate": "supervisor_read",
    "POST /api/v1/planner/whatif": "supervisor_read", "PUT /api/v1/planner/handle-times": "supervisor_write",
    "GET /api/v1/planner/contracts": "supervisor_read", "PUT /api/v1/planner/contracts/{user_id}":
    "supervisor_write", "GET /api/v1/me/shifts": "read", "GET /api/v1/me/shifts.csv": "read",
    "GET /api/v1/me/shifts.ics": "read", "GET /api/v1/rules": "supervisor_read",
    "POST /api/v1/rules": "supervisor_write", "POST /api/v1/rules/dry-run": "supervisor_write",
    "GET /api/v1/rules/{rule_id}": "supervisor_read", "PUT /api/v1/rules/{rule_id}": "supervisor_write",
    "DELETE /api/v1/rules/{rule_id}": "supervisor_write", "GET /api/v1/webhooks": "supervisor_read",
    "POST /api/v1/webhooks": "supervisor_write", "PUT /api/v1/webhooks/{webhook_id}": "supervisor_write",
    "DELETE /api/v1/webhooks/{webhook_id}": "supervisor_write",
    "GET /api/v1/webhooks/{webhook_id}/deliveries": "supervisor_read",
}
# pages: what an anonymous visitor gets (agents' pages send to the login page; the portal is public)
PAGES_PUBLIC = re.compile(r"^/(login|logout|portal(/(t|login|logout|my|identity)\b.*)?|static|healthz|api/v1/"
                          r"(openapi\.json|docs)|docs/oauth2-redirect)?$|^/portal")
# Routes whose allowed call destroys what later callers need (a token, a rule, a link, a password): every caller
# who must be refused is checked in the loop like any route; the one allowed call comes last, after the loop.
DESTRUCTIVE = {"DELETE /api/v1/tokens/{token_id}", "DELETE /api/v1/rules/{rule_id}",
                    "DELETE /api/v1/webhooks/{webhook_id}", "DELETE /api/v1/contacts/{contact_id}/customer-links",
                    "DELETE /api/v1/tickets/{ref}/customer-link", "PATCH /api/v1/users/{user_id}",
                    "POST /api/v1/me/password", "POST /api/v1/portal/{link}/solve"}


def _routes(app):  # type: ignore[no-untyped-def]
    for context in iter_route_contexts(app.routes):
        for method in sorted(context.methods or {"GET"}):
            if method != "HEAD":
                yield f"{method} {context.path_format}", context.original_route


def _expected_denial(caller: str, policy: str) -> int:
    if caller in ("anonymous", "link") or policy == "link":  # a portal route without a valid link: 401
        return 401
    if policy in ("ticket_read", "ticket_write") and caller == "outside":
        return 404
    if policy == "owner" and caller in ("in_team", "outside", "supervisor"):
        return 404
    return 403


# The one route where a caller who sent a credential may get the 422 of its body before its 403: the hot create
# path authenticates inside its single unit of work, after FastAPI has validated the body (the body's schema is
# public in the OpenAPI document; a caller with no credential still gets 401 first, from `Bearer`).
VALIDATES_BEFORE_ROLE = {"POST /api/v1/tickets"}


def _denied_properly(key: str, caller: str, policy: str, status: int) -> bool:
    """The expected denial. A caller with no credential gets 401 and one without the role or scope 403 before
    any 422 (role and scope checks are dependencies, run before the body is read: accounts/deps.py). Only where
    the denial depends on the object (a ticket outside the agent's teams: 404) may the 422 of the empty body come
    first; it reveals nothing about the object."""
    if status == _expected_denial(caller, policy):
        return True
    if status != 422 or caller in ("anonymous", "link"):
        return False
    return (policy in ("ticket_read", "ticket_write") and caller == "outside") or key in VALIDATES_BEFORE_ROLE


def test_every_route_has_an_entry(app):
    missing = [key for key, route in _routes(app) if isinstance(route, APIRoute) and route.include_in_schema
               and key not in API]
    assert missing == [], f"add these routes to the authorization matrix: {missing}"
    assert set(API) <= {key for key, _ in _routes(app)}, "the matrix names routes that no longer exist"


def test_authorization_matrix(app, client, database, desk: Desk, seeded: Seeded):
    intake = client.post("/api/v1/mailboxes/support/tokens", json={}, headers=desk.admin.headers).json()["token"]
    reader = make_agent(database, teams=[desk.l1], scopes=["read"])
    headers = {"anonymous": {}, "link": {}, "in_team": desk.agent1.headers, "outside": desk.agent2.headers,
               "supervisor": desk.supervisor.headers, "admin": desk.admin.headers, "read_only": reader.headers,
               "intake": {"Authorization": f"Bearer {intake}"}}
    with database.session() as db:  # the raw e-mail of the ticket, for /raw-emails/{raw_id}
        user = db.get(User, desk.admin.user.id)
        assert user is not None
        issue_token(db, user, name="spare2")
    raw = client.post("/api/v1/mailboxes/support/raw", headers={**headers["intake"], "Content-Type": "message/rfc822"},
                      content=b"From: a@client.example\r\nSubject: raw\r\n\r\nhi\r\n").json()
    ids = {**seeded.ids, "raw_id": raw["raw_id"], "schedule_id": 1}
    document = client.get("/api/v1/openapi.json").json()["paths"]
    checked, problems = 0, []
    last: list[tuple[str, str]] = []
    for key, _route in _routes(app):
        if key not in API:
            continue
        method, path = key.split(" ", 1)
        policy = API[key]
        for caller in CALLERS:
            if key in DESTRUCTIVE and caller in POLICIES[policy]:
                if not any(k == key for k, _c in last):
                    last.append((key, caller))  # one allowed caller, after every refusal was checked
                continue
            values = dict(ids)
            if caller != "link":
                values["link"] = "not-a-link"
            url = re.sub(r"{(\w+)}", lambda m: str(values[m.group(1)]), path)  # noqa: B023
            kwargs = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
            r = client.request(method, url, headers=headers[caller], **kwargs)
            checked += 1
            documented = {int(s) for s in document[path][method.lower()]["responses"]}
            if r.status_code not in documented:
                problems.append(f"{key} as {caller}: {r.status_code} is not documented")
            if caller in POLICIES[policy]:
                if r.status_code in (401, 403):
                    problems.append(f"{key} as {caller}: allowed but got {r.status_code} {r.text[:120]}")
            elif not _denied_properly(key, caller, policy, r.status_code):
                problems.append(f"{key} as {caller}: expected {_expected_denial(caller, policy)}, got "
                                f"{r.status_code} {r.text[:120]}")
    last.sort(key=lambda item: "{link}" not in item[0])  # the link's own call before the calls that revoke it
    for key, caller in last:  # the destructive calls, each once, by an allowed caller
        method, path = key.split(" ", 1)
        values = {**ids, "link": ids["link"] if caller == "link" else "not-a-link"}
        url = re.sub(r"{(\w+)}", lambda m: str(values[m.group(1)]), path)  # noqa: B023
        r = client.request(method, url, headers=headers[caller],
                           **({"json": {}} if method in ("POST", "PUT", "PATCH") else {}))
        checked += 1
        if r.status_code in (401, 403) or r.status_code >= 500 or \
                r.status_code not in {int(s) for s in document[path][method.lower()]["responses"]}:
            problems.append(f"{key} as {caller} (allowed): got {r.status_code} {r.text[:120]}")
    assert {k for k, _c in last} == DESTRUCTIVE
    print(f"\nauthorization matrix: {checked} calls")
    assert checked >= 600
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("anonymous", [True])
def test_pages_send_anonymous_visitors_to_the_login(app, client, seeded: Seeded, anonymous):
    ids = {**seeded.ids, "key": "mine", "view_id": 1, "macro_id": 1, "skill_id": 1, "ticket_id": seeded.ids["ref"]}
    checked = []
    for key, route in _routes(app):
        if isinstance(route, APIRoute) and route.include_in_schema:
            continue
        method, path = key.split(" ", 1)
        if path.startswith(("/static", "/api/v1/")):
            continue
        url = re.sub(r"{(\w+)}", lambda m: str(ids.get(m.group(1), 1)), path)
        r = client.request(method, url, follow_redirects=False)
        checked.append(key)
        if PAGES_PUBLIC.match(path) or path in ("/healthz", "/"):
            assert r.status_code < 500, (key, r.status_code)
        elif method == "GET":
            assert r.status_code == 303 and r.headers["location"].startswith("/login"), (key, r.status_code)
        else:  # a form post without a session: refused before anything happens (CSRF, then login)
            assert r.status_code in (303, 403), (key, r.status_code)
    assert len(checked) >= 80
