"""Short confirmations after an action: "Changes saved.", "FL-12 escalated.", "3 tickets updated."

An action that redirects adds `done=KEY` (and `n=`, a ticket number or a count) to the address it sends the agent
to (`redirect`); every page then shows the sentence of that key in the layout's flash area (`render` calls
`current`). The sentences are fixed here and translated; nothing from the address is shown but a number.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse

from frontline.web.i18n import N_, _

NOTICES: dict[str, str] = {
    "ticket_saved": N_("Changes saved."),
    "replied": N_("Added to the conversation."),
    "escalated": N_("%(ticket)s escalated: it is in the next line's queue now. You can still read it."),
    "merged": N_("%(ticket)s was merged into this ticket."),
    "sender_confirmed": N_("Sender address confirmed: held acknowledgements and replies go out now."),
    "bulk": N_("%(count)s tickets updated."),
    "bulk_merged": N_("%(count)s tickets merged into this one."),
    "view_saved": N_("View saved."),
    "view_deleted": N_("View deleted."),
    "user_added": N_("User added."),
    "user_saved": N_("User saved."),
    "user_deactivated": N_("User deactivated: they can no longer sign in."),
    "user_activated": N_("User activated."),
    "team_added": N_("Team added."),
    "team_saved": N_("Team saved."),
    "default_team_saved": N_("Default team saved: it takes every new ticket nothing else routes."),
    "token_revoked": N_("Token revoked."),
    "contact_saved": N_("Contact saved."),
    "contact_pending": N_("Contact saved. The new e-mail address stays pending until the customer confirms it."),
    "contacts_merged": N_("Contacts merged: the tickets and identities moved here."),
    "macro_saved": N_("Canned response saved."),
    "macro_deleted": N_("Canned response deleted."),
}


def with_notice(url: str, key: str, n: int | None = None) -> str:
    """`url` with `done=key` (and `n`) added to its query, before any #fragment."""
    if key not in NOTICES:
        raise KeyError(key)
    path, hash_, fragment = url.partition("#")
    query = f"done={key}" + (f"&n={int(n)}" if n is not None else "")
    return f"{path}{'&' if '?' in path else '?'}{query}{hash_}{fragment}"


def redirect(url: str, key: str, n: int | None = None) -> RedirectResponse:
    """The 303 after a form post, carrying its confirmation."""
    return RedirectResponse(with_notice(url, key, n), status_code=303)


def current(request: Request, prefix: str) -> str:
    """The confirmation the address asks for, in the request's language ("" for none or an unknown key)."""
    text = NOTICES.get(request.query_params.get("done", ""))
    if text is None:
        return ""
    raw = request.query_params.get("n", "")
    n = int(raw) if raw.isdigit() and len(raw) <= 12 else None
    if "%(" in text and n is None:
        return ""
    if n is None:
        return _(text)
    number = prefix + "-" + str(n)
    return _(text, ticket=number, count=n)
