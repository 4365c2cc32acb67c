"""Skill-based assignment in the live path: a ticket's required skills are its tags (and its category) that name
a skill in the catalogue, its language is the customer's; nobody online able to meet a need means any free agent,
and the assignment's history says why."""

from __future__ import annotations

from frontline.routing.skills import create_skill
from tests.factories import make_agent, make_team, ticket_payload
from tests.rules.conftest import post_rule


def _team(client, database, admin, agents_spec):
    """A skill-based team; agents_spec: (skills, languages) per agent, in id order."""
    team = make_team(database, line="L1")
    agents = []
    for skills, languages in agents_spec:
        agent = make_agent(database, teams=[team])
        r = client.patch(f"/api/v1/users/{agent.user.id}", json={"availability": "online", "capacity": 10,
                                                                 "skills": skills, "languages": languages},
                         headers=admin.headers)
        assert r.status_code == 200, r.text
        agents.append(agent)
    r = client.put(f"/api/v1/teams/{team.id}/routing", json={"strategy": "skill_based"}, headers=admin.headers)
    assert r.status_code == 200, r.text
    return team, [a.user.id for a in agents]


def _skills(database, *names):
    with database.session() as db:
        for name in names:
            create_skill(db, name)


def _contact(client, desk, language):
    r = client.post("/api/v1/contacts", json={"name": "Клиент", "language": language,
                                              "identities": [{"kind": "email", "value": f"{language}-{id(desk)}"
                                                                                        "@client.example"}]},
                    headers=desk.admin.headers)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _assignment(client, desk, ticket_id):
    events = client.get(f"/api/v1/tickets/{ticket_id}/events", headers=desk.admin.headers).json()
    return [e for e in events if e["field"] == "assignee_id"][-1]


def _new(client, desk, **payload):
    r = client.post("/api/v1/tickets", json=ticket_payload(**payload), headers=desk.admin.headers)
    assert r.status_code == 201, r.text
    return r.json()


def test_russian_customer_goes_to_the_russian_speaking_agent(client, database, desk):
    team, (english, russian) = _team(client, database, desk.admin, [([], ["en"]), ([], ["en", "ru"])])
    contact = _contact(client, desk, "ru")
    for _ in range(3):  # least loaded alone would alternate; the language decides
        t = _new(client, desk, team_id=team.id, contact_id=contact, customer=None)
        assert t["assignee_id"] == russian
    assert _new(client, desk, team_id=team.id)["assignee_id"] == english  # no language: least loaded
    event = _assignment(client, desk, t["id"])
    assert event["data"] == {"by": "routing", "language": "ru"}


def test_ticket_tagged_with_a_skill_goes_to_the_agent_with_it(client, database, desk):
    _skills(database, "billing", "api")
    team, (generalist, billing, api) = _team(client, database, desk.admin,
                                             [([], ["en"]), (["billing"], ["en"]), (["api", "billing"], ["en"])])
    t = _new(client, desk, team_id=team.id, tags=["api", "urgent-ish"])  # 'urgent-ish' names no skill
    assert t["assignee_id"] == api
    assert _assignment(client, desk, t["id"])["data"] == {"by": "routing", "skills": ["api"]}
    # the category counts too when the catalogue lists it
    t = _new(client, desk, team_id=team.id, category="Billing")
    assert t["assignee_id"] == billing  # billing and api both hold it; billing is less loaded
    assert _new(client, desk, team_id=team.id)["assignee_id"] == generalist


def test_a_rule_tags_the_ticket_and_the_skilled_agent_takes_it(client, database, desk):
    _skills(database, "refunds")
    team, (plain, refunds) = _team(client, database, desk.admin, [([], ["en"]), (["refunds"], ["en"])])
    post_rule(client, desk.supervisor.headers, name="Refunds", events=["created"],
              conditions={"all": [{"field": "text", "op": "matches", "value": r"refund|возврат"}]},
              actions=[{"type": "add_tag", "value": "refunds"}])
    t = _new(client, desk, team_id=team.id, subject="Where is my refund?")
    assert t["assignee_id"] == refunds
    assert _assignment(client, desk, t["id"])["data"] == {"by": "routing", "skills": ["refunds"]}
    assert _new(client, desk, team_id=team.id, subject="Hello")["assignee_id"] == plain


def test_no_match_falls_back_to_any_free_agent_and_says_so(client, database, desk):
    _skills(database, "sql")
    team, (first, second) = _team(client, database, desk.admin, [([], ["en"]), ([], ["en"])])
    contact = _contact(client, desk, "de")
    t = _new(client, desk, team_id=team.id, tags=["sql"], contact_id=contact, customer=None)
    assert t["assignee_id"] in (first, second)
    event = _assignment(client, desk, t["id"])
    assert event["data"] == {"by": "routing", "skills": ["sql"], "language": "de",
                             "fallback": {"language": "de", "skills": ["sql"]}}


def test_escalation_to_a_skill_based_team_uses_the_ticket_needs(client, database, desk):
    team, (_english, russian) = _team(client, database, desk.admin, [([], ["en"]), ([], ["ru"])])
    contact = _contact(client, desk, "ru")
    t = _new(client, desk, contact_id=contact, customer=None)
    r = client.post(f"/api/v1/tickets/{t['id']}/escalate", json={"reason": "needs a specialist",
                                                                 "team_id": team.id}, headers=desk.admin.headers)
    assert r.status_code == 200, r.text
    assert r.json()["assignee_id"] == russian
