"""SLA admin pages: calendars and policies created, edited, ordered and checked through the real forms."""

from __future__ import annotations

from html import unescape
from typing import Any

from sqlalchemy import select

from frontline.kit.db import Database
from frontline.sla.models import Calendar, Policy, TeamCalendar
from frontline.web.sla_form import compact_week, format_minutes, parse_minutes

WEEK = {f"hours_{d}": "09:00-18:00" for d in ("mon", "tue", "wed", "thu", "fri")} | {"hours_sat": "", "hours_sun": ""}


def _calendar_form(**changes: Any) -> dict[str, Any]:
    return {"name": "Berlin office", "timezone": "Europe/Berlin", **WEEK,
            "holidays": "2026-12-25 Christmas\n2026-12-26", "special_hours": "2026-12-31 09:00-13:00",
            "op": "save", **changes}


def _policy_form(**changes: Any) -> dict[str, Any]:
    return {"name": "Urgent", "active": "1", "priority": ["urgent"], "first_response": "30m",
            "resolution": "1d 2h", "warn_before": "10m", **changes}


def _calendars(database: Database) -> list[Calendar]:
    with database.session(write=False) as db:
        return list(db.scalars(select(Calendar).order_by(Calendar.id)))


def _policies(database: Database) -> list[Policy]:
    with database.session(write=False) as db:
        return list(db.scalars(select(Policy).order_by(Policy.position, Policy.id)))


def test_duration_and_week_helpers() -> None:
    assert [parse_minutes(t, "x") for t in ("90", "1:30", "1h 30m", "2d", "45m", "")] == [90, 90, 90, 2880, 45, None]
    assert format_minutes(90) == "1h 30m" and format_minutes(1560) == "1d 2h" and format_minutes(None) == ""
    days = {"mon": "9:00-17:00", "tue": "9:00-17:00", "wed": "", "thu": "10:00-12:00", "fri": "10:00-12:00",
            "sat": "", "sun": "10:00-12:00"}
    assert compact_week(days) == {"mon-tue": "9:00-17:00", "thu-fri": "10:00-12:00", "sun": "10:00-12:00"}


def test_admin_creates_and_edits_a_calendar_with_team(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    admin = browser_for(desk.admin)
    page = admin.get("/ui/admin/sla")
    assert page.status_code == 200 and "Business-hours calendars" in page.text
    assert 'href="/ui/admin/sla/calendars/new"' in page.text
    assert admin.get("/ui/admin/sla/calendars/new").status_code == 200

    r = admin.post("/ui/admin/sla/calendars", _calendar_form(team_ids=[str(desk.l1.id)]))
    assert r.status_code == 303, r.text
    [calendar] = _calendars(database)
    assert calendar.weekly_hours == {"mon-fri": "09:00-18:00"}
    assert calendar.holidays == ["2026-12-25", "2026-12-26"]
    assert calendar.special_hours == {"2026-12-31": "09:00-13:00"} and not calendar.always_open
    with database.session(write=False) as db:
        assert db.scalar(select(TeamCalendar.calendar_id).where(TeamCalendar.team_id == desk.l1.id)) == calendar.id

    edit = admin.get(f"/ui/admin/sla/calendars/{calendar.id}")
    assert edit.status_code == 200
    assert 'name="hours_wed" value="09:00-18:00"' in edit.text and "2026-12-31 09:00-13:00" in edit.text
    r = admin.post(f"/ui/admin/sla/calendars/{calendar.id}",
                   _calendar_form(name="Berlin", hours_sat="10:00-14:00", holidays="", team_ids=[str(desk.l2.id)]))
    assert r.status_code == 303, r.text
    [calendar] = _calendars(database)
    assert calendar.name == "Berlin" and calendar.holidays == []
    assert calendar.weekly_hours == {"mon-fri": "09:00-18:00", "sat": "10:00-14:00"}
    with database.session(write=False) as db:
        links = dict(db.execute(select(TeamCalendar.team_id, TeamCalendar.calendar_id)).all())
    assert links == {desk.l2.id: calendar.id}

    r = admin.post(f"/ui/admin/sla/calendars/{calendar.id}", _calendar_form(name="Berlin", always_open="1"))
    assert r.status_code == 303
    assert _calendars(database)[0].always_open
    listing = admin.get("/ui/admin/sla").text
    assert "Berlin" in listing and "24/7" in listing


def test_invalid_calendar_is_shown_with_422_and_nothing_changes(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    admin = browser_for(desk.admin)
    assert admin.post("/ui/admin/sla/calendars", _calendar_form()).status_code == 303
    before = _calendars(database)[0]
    cases = [
        ({"hours_mon": "25:00-26:00"}, "not a clock time"),
        ({"timezone": "Mars/Olympus"}, "The calendar is not valid"),
        ({"holidays": "Christmas"}, "Holidays, line 1"),
        ({"special_hours": "tomorrow 09:00-10:00"}, "Special hours, line 1"),
        ({**{f"hours_{d}": "" for d in ("mon", "tue", "wed", "thu", "fri")}, "special_hours": ""}, "never open"),
    ]
    for change, message in cases:
        r = admin.post(f"/ui/admin/sla/calendars/{before.id}", _calendar_form(name="Changed", **change))
        assert r.status_code == 422, (change, r.status_code)
        assert message in unescape(r.text), (change, r.text)
        assert 'value="Changed"' in r.text  # the form comes back as it was typed
    duplicate = admin.post("/ui/admin/sla/calendars", _calendar_form())
    assert duplicate.status_code == 422 and "already taken" in unescape(duplicate.text)
    [after] = _calendars(database)
    assert (after.name, after.weekly_hours, after.timezone, after.holidays) == (
        before.name, before.weekly_hours, before.timezone, before.holidays)


def test_public_holidays_import_fills_the_form_without_saving(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    admin = browser_for(desk.admin)
    r = admin.post("/ui/admin/sla/calendars", _calendar_form(op="import", country="de", years="2026", holidays=""))
    assert r.status_code == 200, r.text
    text = unescape(r.text)
    assert "2026-12-25 Christmas Day" in text and "2026-10-03" in text and "public holidays of DE added" in text
    assert _calendars(database) == []
    russian = admin.post("/ui/admin/sla/calendars", _calendar_form(op="import", country="RU", years="2026"))
    assert "2026-01-07" in russian.text
    bad = admin.post("/ui/admin/sla/calendars", _calendar_form(op="import", country="XX", years="2026"))
    assert bad.status_code == 422 and "No public holidays known for" in unescape(bad.text)
    # what the import filled in saves like typed holidays
    form = _calendar_form(holidays="2026-01-01 New Year's Day\n2026-12-25 Christmas Day")
    assert admin.post("/ui/admin/sla/calendars", form).status_code == 303
    assert _calendars(database)[0].holidays == ["2026-01-01", "2026-12-25"]


def test_calendar_in_use_is_not_deleted(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    admin = browser_for(desk.admin)
    admin.post("/ui/admin/sla/calendars", _calendar_form())
    calendar = _calendars(database)[0]
    admin.post("/ui/admin/sla/policies", _policy_form(calendar_id=str(calendar.id)))
    r = admin.post(f"/ui/admin/sla/calendars/{calendar.id}/delete")
    assert r.status_code == 409 and "still used by policies Urgent" in unescape(r.text)
    assert len(_calendars(database)) == 1
    policy = _policies(database)[0]
    admin.post(f"/ui/admin/sla/policies/{policy.id}", _policy_form(calendar_id=""))
    assert admin.post(f"/ui/admin/sla/calendars/{calendar.id}/delete").status_code == 303
    assert _calendars(database) == []


def test_policies_created_edited_reordered_and_deactivated(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    supervisor = browser_for(desk.supervisor)  # the API lets supervisors manage SLAs; so do the pages
    assert supervisor.get("/ui/admin/sla/policies/new").status_code == 200
    assert supervisor.post("/ui/admin/sla/policies", _policy_form()).status_code == 303
    form = _policy_form(name="Gold e-mail", priority=["high", "urgent"], channel=["email", "portal"],
                        team_id=[str(desk.l1.id)], organisation_tier=["standard"], organisation_tier_other="gold, vip",
                        first_response="1:30", next_response="4h", resolution="2d",
                        breach_actions=["escalate", "notify_supervisor"])
    assert supervisor.post("/ui/admin/sla/policies", form).status_code == 303
    urgent, gold = _policies(database)
    assert (urgent.position, gold.position) == (10, 20)
    assert gold.conditions == {"priority": ["high", "urgent"], "channel": ["email", "portal"], "team_id": [desk.l1.id],
                               "organisation_tier": ["standard", "gold", "vip"]}
    assert (gold.first_response_minutes, gold.next_response_minutes, gold.resolution_minutes) == (90, 240, 2880)
    assert gold.breach_actions == ["escalate", "notify_supervisor"] and gold.warn_before_minutes == 10

    edit = supervisor.get(f"/ui/admin/sla/policies/{gold.id}")
    assert 'value="1h 30m"' in edit.text and 'value="gold, vip"' in edit.text
    assert supervisor.post(f"/ui/admin/sla/policies/{gold.id}", {**form, "resolution": "3d"}).status_code == 303
    assert _policies(database)[1].resolution_minutes == 3 * 1440

    r = supervisor.post(f"/ui/admin/sla/policies/{gold.id}/move", {"direction": "up"})
    assert r.status_code == 303
    assert [p.name for p in _policies(database)] == ["Gold e-mail", "Urgent"]
    supervisor.post(f"/ui/admin/sla/policies/{gold.id}/move", {"direction": "up"})  # already first: stays
    assert [(p.name, p.position) for p in _policies(database)] == [("Gold e-mail", 10), ("Urgent", 20)]
    supervisor.post(f"/ui/admin/sla/policies/{gold.id}/move", {"direction": "down"})
    assert [p.name for p in _policies(database)] == ["Urgent", "Gold e-mail"]

    assert supervisor.post(f"/ui/admin/sla/policies/{urgent.id}/active").status_code == 303
    assert not _policies(database)[0].active
    listing = supervisor.get("/ui/admin/sla").text
    assert listing.index("Urgent") < listing.index("Gold e-mail") and 'class="inactive"' in listing


def test_invalid_policy_is_shown_with_422_and_nothing_changes(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    admin = browser_for(desk.admin)
    assert admin.post("/ui/admin/sla/policies", _policy_form()).status_code == 303
    [before] = _policies(database)
    cases = [
        ({"first_response": "", "resolution": ""}, "at least one target"),
        ({"first_response": "soon"}, "First response: write a duration"),
        ({"calendar_id": "424242"}, "No calendar 424242"),
        ({"priority": ["critical"]}, "'critical' is not a priority"),
        ({"name": ""}, "name"),
    ]
    for change, message in cases:
        r = admin.post(f"/ui/admin/sla/policies/{before.id}", _policy_form(**{"resolution": "5d", **change}))
        assert r.status_code == 422, (change, r.status_code)
        assert message in unescape(r.text), (change, r.text)
    assert admin.post("/ui/admin/sla/policies", _policy_form()).status_code == 422  # name taken
    [after] = _policies(database)
    assert (after.name, after.resolution_minutes, after.conditions) == (before.name, before.resolution_minutes,
                                                                        before.conditions)


def test_agents_cannot_reach_the_pages(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    agent = browser_for(desk.agent1)
    for url in ("/ui/admin/sla", "/ui/admin/sla/calendars/new", "/ui/admin/sla/policies/new"):
        assert agent.get(url).status_code == 403, url
    assert agent.post("/ui/admin/sla/calendars", _calendar_form()).status_code == 403
    assert agent.post("/ui/admin/sla/policies", _policy_form()).status_code == 403
    assert _calendars(database) == [] and _policies(database) == []
    assert 'href="/ui/admin/sla"' not in agent.get("/ui/account").text
    assert 'href="/ui/admin/sla"' in browser_for(desk.supervisor).get("/ui/account").text
    assert 'href="/ui/admin/rules"' in browser_for(desk.admin).get("/ui/admin").text


def test_forms_need_the_csrf_token(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    admin = browser_for(desk.admin)
    r = admin.client.post("/ui/admin/sla/calendars", data=_calendar_form(), follow_redirects=False)
    assert r.status_code == 403
    r = admin.client.post("/ui/admin/sla/policies", data={**_policy_form(), "csrf": "0" * 64}, follow_redirects=False)
    assert r.status_code == 403
    assert _calendars(database) == [] and _policies(database) == []


def test_pages_in_russian(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    admin = browser_for(desk.admin)
    admin.post("/ui/account/preferences", {"language": "ru", "timezone": "UTC"})
    admin.refresh()
    assert "Бизнес-календари" in admin.get("/ui/admin/sla").text
    assert "Понедельник" in admin.get("/ui/admin/sla/calendars/new").text
    assert "Первый ответ" in admin.get("/ui/admin/sla/policies/new").text


def test_garbage_input_never_gives_a_500(browser_for, client, desk, database) -> None:  # type: ignore[no-untyped-def]
    admin = browser_for(desk.admin)
    huge = "9" * 30
    big = str(2**40)
    posts = [
        ("/ui/admin/sla/calendars", _calendar_form(team_ids=[huge, big, "x"])),
        ("/ui/admin/sla/calendars", _calendar_form(hours_tue="9-5")),
        ("/ui/admin/sla/calendars", _calendar_form(op="import", country="<script>", years=f"{huge}-2")),
        ("/ui/admin/sla/calendars", {"op": "save"}),
        ("/ui/admin/sla/policies", _policy_form(name="p1", team_id=[huge, big], organisation_id=["1e9", big],
                                                calendar_id=huge)),
        ("/ui/admin/sla/policies", _policy_form(name="p2", first_response=huge)),
        ("/ui/admin/sla/policies", _policy_form(name="p3", breach_actions=["explode"], channel=["pigeon"])),
        ("/ui/admin/sla/policies", {}),
        ("/ui/admin/rules", {"kind": "weird", "op": "save", "name": "r", "events": ["created"],
                             "all_field": ["hours_since_created"], "all_op": ["gte"], "all_value": [huge],
                             "all_calendar": [big], "action_type": ["webhook"], "action_value": [big],
                             "action_text": [""], "limit": huge}),
        ("/ui/admin/rules", {"op": "dry_run", "all_field": ["business_hours"], "all_op": ["within"],
                             "all_value": [""], "all_calendar": [huge]}),
        ("/ui/admin/rules", {"op": "dry_run", "all_field": ["team_id"], "all_op": ["in"], "all_value": [big]}),
        ("/ui/admin/rules", {}),
        ("/ui/admin/webhooks", {"name": "x" * 500, "url": "javascript:alert(1)", "secret": "s" * 20}),
    ]
    for url, data in posts:
        r = admin.post(url, data)
        assert r.status_code in (200, 303, 409, 422), (url, data, r.status_code, r.text[:300])
    for url in ("/ui/admin/sla/calendars/abc", f"/ui/admin/sla/calendars/{huge}", f"/ui/admin/sla/policies/{big}",
                f"/ui/admin/rules/{big}", "/ui/admin/rules/0", f"/ui/admin/webhooks/{big}"):
        assert admin.get(url).status_code in (404, 422), url
    for url in (f"/api/v1/rules/{big}", f"/api/v1/webhooks/{big}/deliveries"):
        assert client.get(url, headers=desk.admin.headers).status_code in (404, 422), url  # beyond the id column: 422
    assert _calendars(database) == [] and _policies(database) == []
    bad_team = client.post("/api/v1/sla/policies", json={"name": "api", "first_response_minutes": 5,
                                                          "conditions": {"team_id": [424242]}},
                           headers=desk.admin.headers)
    assert bad_team.status_code == 422 and "no team with id 424242" in bad_team.json()["detail"]
