"""Login, logout, session expiry, password change, CSRF and security headers, over the real app."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from frontline.accounts.models import ApiToken
from frontline.kit.db import utcnow
from tests.web.conftest import csrf_of


def test_login_sets_httponly_lax_cookie_and_opens_queue(client, desk) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/login")
    assert page.status_code == 200
    response = client.post("/login", data={"email": desk.agent1.user.email, "password": "correct horse battery",
                                           "csrf": csrf_of(page.text)}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/ui/queues/mine"
    cookie = response.headers["set-cookie"].lower()
    assert "fl_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    queue = client.get("/ui/queues/mine")
    assert queue.status_code == 200 and desk.agent1.user.name in queue.text


def test_wrong_password_is_refused_with_message(client, desk) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/login")
    response = client.post("/login", data={"email": desk.agent1.user.email, "password": "nope",
                                           "csrf": csrf_of(page.text)})
    assert response.status_code == 401
    assert "Wrong e-mail address or password." in response.text
    assert client.get("/ui/queues/mine", follow_redirects=False).status_code == 303


def test_post_without_csrf_token_is_forbidden(client, desk) -> None:  # type: ignore[no-untyped-def]
    client.get("/login")
    response = client.post("/login", data={"email": desk.agent1.user.email, "password": "correct horse battery"})
    assert response.status_code == 403
    assert "fl_session" not in response.headers.get("set-cookie", "")


def test_csrf_token_of_another_session_is_rejected(browser_for, desk) -> None:  # type: ignore[no-untyped-def]
    one, two = browser_for(desk.agent1), browser_for(desk.agent2)
    one.csrf = two.csrf
    assert one.post("/ui/account/preferences", {"language": "ru", "timezone": "UTC"}).status_code == 403


def test_pages_redirect_to_login_and_htmx_gets_hx_redirect(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/ui/queues/l1", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    fragment = client.get("/ui/counts", headers={"HX-Request": "true"})
    assert fragment.headers["hx-redirect"] == "/login"


def test_expired_session_sends_back_to_login(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    agent = browser_for(desk.agent1)
    with database.session() as db:
        db.execute(update(ApiToken).where(ApiToken.kind == "session").values(expires_at=utcnow() - timedelta(1)))
    response = agent.get("/ui/queues/mine", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?expired=1"
    assert "expired" in agent.get("/login?expired=1").text


def test_logout_revokes_the_session(browser_for, desk) -> None:  # type: ignore[no-untyped-def]
    agent = browser_for(desk.agent1)
    secret = agent.client.cookies.get("fl_session")
    assert agent.post("/logout").status_code == 303
    agent.client.cookies.set("fl_session", secret)
    assert agent.get("/ui/queues/mine", follow_redirects=False).status_code == 303


def test_password_change_keeps_this_browser_logged_in(browser_for, desk) -> None:  # type: ignore[no-untyped-def]
    agent = browser_for(desk.agent1)
    wrong = agent.post("/ui/account/password", {"current_password": "bad", "new_password": "new password 1"})
    assert wrong.status_code == 422 and "The current password is wrong." in wrong.text
    ok = agent.post("/ui/account/password", {"current_password": "correct horse battery",
                                             "new_password": "new password 1"})
    assert ok.status_code == 200 and "Password changed" in ok.text
    assert agent.get("/ui/queues/mine", follow_redirects=False).status_code == 200


def test_security_headers_on_pages(client) -> None:  # type: ignore[no-untyped-def]
    headers = client.get("/login").headers
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert client.get("/static/htmx.min.js").status_code == 200


def test_language_follows_user_setting_then_accept_language(browser_for, client, desk) -> None:  # type: ignore[no-untyped-def]
    assert "Вход в рабочее место" in client.get("/login", headers={"Accept-Language": "ru-RU,ru;q=0.9"}).text
    assert "Log in to the support" in client.get("/login", headers={"Accept-Language": "de, en;q=0.5"}).text
    agent = browser_for(desk.agent1)
    agent.post("/ui/account/preferences", {"language": "ru", "timezone": "Europe/Moscow"})
    page = agent.get("/ui/queues/mine")
    assert "Мои открытые" in page.text and 'lang="ru"' in page.text


def test_an_unknown_time_zone_is_refused_not_saved_as_utc(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    """Issue 11.9: 'Mars/Olympus' was saved as UTC while the page said "saved"."""
    from frontline.accounts.models import User

    agent = browser_for(desk.agent1)
    assert agent.post("/ui/account/preferences", {"language": "en", "timezone": "Europe/Berlin"}).status_code == 200
    page = agent.get("/ui/account")
    assert '<datalist id="zones">' in page.text and '<option value="Europe/Moscow">' in page.text
    refused = agent.post("/ui/account/preferences", {"language": "ru", "timezone": "Mars/Olympus"})
    assert refused.status_code == 422
    assert "Unknown time zone “Mars/Olympus”: nothing was saved" in refused.text
    assert "Preferences saved" not in refused.text and 'value="Mars/Olympus"' in refused.text
    with database.session(write=False) as db:
        user = db.get(User, desk.agent1.user.id)
        assert user is not None and user.timezone == "Europe/Berlin" and user.language == "en"
    agent.post("/ui/account/preferences", {"language": "ru", "timezone": "Europe/Moscow"})
    refused_ru = agent.post("/ui/account/preferences", {"language": "ru", "timezone": "utc+3"})
    assert refused_ru.status_code == 422 and "Неизвестный часовой пояс «utc+3»: ничего не сохранено" in refused_ru.text
