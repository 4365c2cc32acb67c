"""New tickets routed in plain SQL: the direct prediction equals scikit-learn's, the model is loaded once per
process and a retrain is seen by the next prediction, and confident suggestions and assignment land as before."""

from __future__ import annotations

import os
import pickle

import numpy as np
import pytest

from frontline.routing import training
from frontline.routing.classifier import Example, _pipeline, _usable, train
from frontline.tickets.models import Priority
from tests.factories import make_agent, make_team
from tests.routing.test_classifier import _examples


def test_direct_prediction_equals_scikit_learn():
    examples = _examples(400)
    model = train(examples)
    texts = ["Не могу войти, сброс пароля не приходит", "Export report fails with error 500", "", "x",
             "ЁЖИК   ёж\tcafé  naïve", *[e.text for e in _examples(40, seed=9)]]
    for name in ("category", "team", "priority"):  # priority has two classes: the binary form
        x, y = _usable(examples, name)
        pipeline = _pipeline().fit(x, y)
        for text in texts:
            expected = pipeline.predict_proba([text])[0]
            best = int(np.argmax(expected))
            got = {s.field: s for s in model.suggest(text)}[name]
            assert got.value == str(pipeline.classes_[best])
            assert got.confidence == pytest.approx(float(expected[best]), abs=1e-12)


def test_model_is_loaded_once_and_a_retrain_is_seen(tmp_path):
    path = training.model_path(tmp_path)
    assert training.current(tmp_path) is None
    train(_examples(300)).save(path)
    first = training.current(tmp_path)
    assert first is not None and training.current(tmp_path) is first  # cached: no reload while unchanged
    relabelled = [Example(e.text, {**e.labels, "category": e.labels["category"].upper()}) for e in _examples(300)]
    train(relabelled).save(path)  # another process retrains: a new file renamed over the old one
    second = training.current(tmp_path)
    assert second is not first
    assert {s.field: s.value for s in second.suggest("cannot log in password reset")}["category"] == "ACCESS"


def test_a_model_file_of_the_previous_format_still_predicts(tmp_path):
    """Files saved before the direct prediction held scikit-learn pipelines: they are converted on load."""
    from frontline.routing.classifier import Classifier, FieldModel

    examples = _examples(300)
    old = Classifier()
    for name in ("category", "team"):
        x, y = _usable(examples, name)
        fitted = FieldModel.from_pipeline(_pipeline().fit(x, y), len(x))
        legacy = FieldModel.__new__(FieldModel)
        legacy.__dict__.update({"pipeline": _pipeline().fit(x, y), "classes": fitted.classes, "trained_on": len(x)})
        old.models[name] = legacy
    del old.__dict__["format"]
    path = training.model_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_bytes(pickle.dumps(old))
    os.utime(path)
    loaded = training.current(tmp_path)
    assert loaded is not None and set(loaded.models) == {"category", "team"}
    got = {s.field: s.value for s in loaded.suggest("cannot log in password reset")}
    assert got == {"category": "Access", "team": "L1 Support"}


def test_a_retrain_is_seen_by_the_next_ticket(client, desk, settings):
    train(_examples(400)).save(training.model_path(settings.data_dir))
    body = {"subject": "Списали дважды", "description": "Верните деньги, счёт оплачен дважды"}

    def category_suggestion() -> str:
        t = client.post("/api/v1/tickets", json=body, headers=desk.agent1.headers).json()
        rows = client.get(f"/api/v1/tickets/{t['id']}/suggestions", headers=desk.agent1.headers).json()
        return {s["field"]: s["value"] for s in rows}["category"]

    assert category_suggestion() == "Billing"
    renamed = [Example(e.text, {**e.labels, "category": "Payments" if e.labels["category"] == "Billing"
                                else e.labels["category"]}) for e in _examples(400)]
    train(renamed).save(training.model_path(settings.data_dir))
    assert category_suggestion() == "Payments"


def test_confident_suggestions_and_assignment_on_a_customer_ticket(client, database, desk, settings):
    """A customer's ticket without team: category, team and priority applied, then the team assigns; each change
    is in the history with who made it, suggestions are stored."""
    team = make_team(database, "L2 Technical", "L2")
    agent = make_agent(database, teams=[team])
    r = client.patch(f"/api/v1/users/{agent.user.id}", json={"availability": "online", "capacity": 5},
                     headers=desk.admin.headers)
    assert r.status_code == 200
    r = client.put(f"/api/v1/teams/{team.id}/routing", json={"strategy": "least_loaded"}, headers=desk.admin.headers)
    assert r.status_code == 200, r.text
    train(_examples(400)).save(training.model_path(settings.data_dir))
    settings.routing_confidence_threshold = 0.5
    from frontline.tickets.create import create_ticket
    from frontline.tickets.schemas import TicketCreate

    with database.session() as db:
        new = create_ticket(db, None, TicketCreate.model_validate({
            "subject": "Export report fails", "description": "export error 500 crash report dashboard",
            "customer": {"email": "c@client.example"}, "priority": "low", "channel": "email"}))
    assert new.category == "Bug" and new.team_id == team.id and new.line == "L2"
    assert new.priority == Priority.high and new.assignee_id == agent.user.id
    events = client.get(f"/api/v1/tickets/{new.id}/events", headers=desk.admin.headers).json()
    changes = [(e["field"], e["old_value"], e["new_value"], e["data"]) for e in events if e["kind"] == "changed"]
    assert changes == [("category", None, "Bug", {"by": "classifier"}),
                       ("priority", "low", "high", {"by": "classifier"}),
                       ("team_id", None, str(team.id), {"by": "classifier"}),
                       ("assignee_id", None, str(agent.user.id), {"by": "routing"})]
    assert all(e["actor_kind"] == "system" for e in events if e["kind"] == "changed")
    suggestions = client.get(f"/api/v1/tickets/{new.id}/suggestions", headers=desk.admin.headers).json()
    assert {s["field"]: s["applied"] for s in suggestions} == {"category": True, "team": True, "priority": True}


def test_a_published_schedule_decides_who_takes_new_tickets(client, database, desk):
    """The one-query assignment of a new ticket follows the planner's roster, as `assign.candidates` does."""
    from datetime import UTC, datetime, timedelta

    from frontline.accounts.models import User
    from frontline.workforce import service as planner
    from tests.workforce.planner_helpers import roster_doc

    user_id = desk.agent1.user.id
    with database.session() as db:
        db.get(User, user_id).availability = "online"
    r = client.put(f"/api/v1/teams/{desk.l1.id}/routing", json={"strategy": "least_loaded"},
                   headers=desk.admin.headers)
    assert r.status_code == 200, r.text

    def assignee() -> int | None:
        t = client.post("/api/v1/tickets", json={"subject": "Hi", "description": "x", "team_id": desk.l1.id,
                                                 "customer": {"email": "r@client.example"}},
                        headers=desk.admin.headers)
        assert t.status_code == 201, t.text
        return t.json()["assignee_id"]

    assert assignee() == user_id  # no schedule: every online member
    now = datetime.now(UTC)
    slot = now.replace(minute=0 if now.minute < 30 else 30, second=0, microsecond=0) - timedelta(hours=1)
    tomorrow = roster_doc(desk.l1.id, user_id, shift_day=slot.date() + timedelta(days=1), shift_start="09:00")
    tomorrow["start"] = (slot.date() - timedelta(days=1)).isoformat()
    with database.session() as db:
        planner.publish(db, tomorrow, actor_id=None, force=True)
    assert assignee() is None  # a schedule covers today and the agent is not on shift
    current = roster_doc(desk.l1.id, user_id, shift_day=slot.date(), shift_start=slot.strftime("%H:%M"))
    with database.session() as db:
        planner.publish(db, current, actor_id=None, force=True)
    assert assignee() == user_id
