"""A calendar a rule's condition names is not deleted, though SLA does not import the rules (the wiring installs the
rules check into sla/manage.py)."""

from __future__ import annotations

import pytest

from frontline.kit.db import Database
from frontline.kit.errors import Conflict
from frontline.rules.models import Rule, RuleKind
from frontline.sla import manage
from frontline.sla.models import Calendar


def test_a_calendar_named_by_a_rule_is_in_use_and_kept(database: Database) -> None:
    with database.session() as db:
        used, free = Calendar(name="Office", timezone="UTC", always_open=True), Calendar(name="Spare", timezone="UTC",
                                                                                         always_open=True)
        db.add_all([used, free])
        db.flush()
        db.add(Rule(name="Out of hours", kind=RuleKind.automation, events=[], actions=[],
                    conditions={"all": [{"field": "business_hours", "op": "outside", "value": used.id}]}))
        db.add(Rule(name="Slow reply", kind=RuleKind.automation, events=[], actions=[], conditions={"any": [
            {"field": "hours_since_customer_message", "op": "gte", "value": 2, "calendar_id": used.id}]}))
        db.flush()
        assert manage.calendar_use(db, used.id).rules == ["Out of hours", "Slow reply"]
        assert not manage.calendar_use(db, free.id).in_use
        with pytest.raises(Conflict, match="rules Out of hours, Slow reply"):
            manage.delete_calendar(db, used)
        manage.delete_calendar(db, free)
