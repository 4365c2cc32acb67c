"""Password login, session tokens, rate limiting of wrong passwords, password change."""

from __future__ import annotations

from tests.factories import PASSWORD


def _login(client, email, password):
    return client.post("/api/v1/auth/login", json={"email": email, "password": password})


def test_login_gives_a_working_session_token(client, desk):
    r = _login(client, desk.agent1.user.email.upper(), PASSWORD)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["user"]["id"] == desk.agent1.user.id and body["expires_at"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"}).json()
    assert me["email"] == desk.agent1.user.email and me["team_ids"] == [desk.l1.id]


def test_wrong_password_and_unknown_user_look_the_same(client, desk):
    a = _login(client, desk.agent1.user.email, "nope")
    b = _login(client, "ghost@desk.example", "nope")
    assert a.status_code == b.status_code == 401
    assert a.json()["detail"] == b.json()["detail"] == "Wrong e-mail address or password."


def test_repeated_wrong_passwords_are_rate_limited(client, desk, settings):
    for _ in range(settings.login_max_failures):
        assert _login(client, desk.agent1.user.email, "guess").status_code == 401
    r = _login(client, desk.agent1.user.email, PASSWORD)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert r.headers["content-type"] == "application/problem+json"
    assert _login(client, desk.agent2.user.email, PASSWORD).status_code == 200


def test_deactivated_user_cannot_log_in_or_use_tokens(client, desk):
    r = client.patch(f"/api/v1/users/{desk.agent1.user.id}", json={"is_active": False}, headers=desk.admin.headers)
    assert r.status_code == 200
    assert _login(client, desk.agent1.user.email, PASSWORD).status_code == 401
    assert client.get("/api/v1/tickets", headers=desk.agent1.headers).status_code == 401


def test_password_change_ends_sessions(client, desk):
    session = _login(client, desk.agent1.user.email, PASSWORD).json()["token"]
    headers = {"Authorization": f"Bearer {session}"}
    bad = client.post("/api/v1/me/password", json={"current_password": "x", "new_password": "another long one"},
                      headers=headers)
    assert bad.status_code == 401
    ok = client.post("/api/v1/me/password", json={"current_password": PASSWORD, "new_password": "another long one"},
                     headers=headers)
    assert ok.status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert _login(client, desk.agent1.user.email, "another long one").status_code == 200


def test_agents_may_change_only_their_own_presence(client, desk):
    me = desk.agent1.user.id
    r = client.patch(f"/api/v1/users/{me}", json={"availability": "online"}, headers=desk.agent1.headers)
    assert r.status_code == 200 and r.json()["availability"] == "online"
    assert client.patch(f"/api/v1/users/{me}", json={"role": "admin"}, headers=desk.agent1.headers).status_code == 403
    other = desk.agent2.user.id
    r = client.patch(f"/api/v1/users/{other}", json={"availability": "online"}, headers=desk.agent1.headers)
    assert r.status_code == 403
