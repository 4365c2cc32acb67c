"""Customer links: revocable per ticket and per contact, void once the ticket's customer changes."""

from __future__ import annotations

from tests.factories import ticket_payload


def _new(client, desk):  # type: ignore[no-untyped-def]
    t = client.post("/api/v1/tickets", json=ticket_payload(team_id=desk.l1.id), headers=desk.agent1.headers).json()
    return t, t["customer_link"].rsplit("/", 1)[1]


def test_revoking_a_tickets_links_voids_old_links_and_keeps_new_ones(client, desk):
    ticket, link = _new(client, desk)
    assert client.get(f"/api/v1/portal/{link}").status_code == 200
    assert client.get(f"/portal/t/{link}").status_code == 200
    r = client.delete(f"/api/v1/tickets/{ticket['id']}/customer-link", headers=desk.agent1.headers)
    assert r.status_code == 204
    assert client.get(f"/api/v1/portal/{link}").status_code == 401
    assert client.post(f"/api/v1/portal/{link}/messages", json={"body_text": "hi"}).status_code == 401
    assert client.get(f"/portal/t/{link}").status_code == 401
    fresh = client.post(f"/api/v1/tickets/{ticket['id']}/customer-link", headers=desk.agent1.headers).json()
    assert client.get(f"/api/v1/portal/{fresh['token']}").status_code == 200
    assert client.delete(f"/api/v1/tickets/{ticket['id']}/customer-link", headers=desk.agent2.headers).status_code \
        == 404


def test_revoking_a_contacts_links_covers_all_their_tickets(client, desk):
    first, link1 = _new(client, desk)
    second = client.post("/api/v1/tickets", json=ticket_payload(contact_id=first["contact_id"], customer=None,
                                                                team_id=desk.l1.id), headers=desk.agent1.headers)
    link2 = second.json()["customer_link"].rsplit("/", 1)[1]
    path = f"/api/v1/contacts/{first['contact_id']}/customer-links"
    assert client.delete(path, headers=desk.agent1.headers).status_code == 403
    assert client.delete(path, headers=desk.supervisor.headers).status_code == 204
    assert client.get(f"/api/v1/portal/{link1}").status_code == 401
    assert client.get(f"/api/v1/portal/{link2}").status_code == 401


def test_link_is_void_once_the_ticket_moves_to_another_customer(client, desk):
    ticket, link = _new(client, desk)
    other, _ = _new(client, desk)
    r = client.patch(f"/api/v1/tickets/{ticket['id']}", json={"contact_id": other["contact_id"]},
                     headers=desk.agent1.headers)
    assert r.status_code == 200, r.text
    assert client.get(f"/api/v1/portal/{link}").status_code == 401
    assert client.get(f"/portal/t/{link}").status_code == 401
