"""Display names of codes (statuses, priorities, fields, roles) in the UI language."""

from __future__ import annotations

from frontline.web.i18n import N_, _

LABELS: dict[str, dict[str, str]] = {
    "status": {"new": N_("New"), "open": N_("Open"), "pending": N_("Pending"), "on_hold": N_("On hold"),
               "solved": N_("Solved"), "closed": N_("Closed")},
    "priority": {"low": N_("Low"), "normal": N_("Normal"), "high": N_("High"), "urgent": N_("Urgent")},
    "field": {"status": N_("status"), "priority": N_("priority"), "team_id": N_("team"), "line": N_("line"),
              "assignee_id": N_("assignee"), "tags": N_("tags"), "category": N_("category"),
              "subject": N_("subject"), "contact_id": N_("customer"), "organisation_id": N_("organisation"),
              "merged_into": N_("merged into")},
    "kind": {"inbound": N_("Customer"), "reply": N_("Reply"), "note": N_("Internal note")},
    "role": {"admin": N_("Administrator"), "supervisor": N_("Supervisor"), "agent": N_("Agent")},
    "search": {"ticket": N_("Ticket"), "message": N_("Message"), "contact": N_("Contact")},
    "channel": {"email": N_("E-mail"), "web": N_("Web form"), "chat": N_("Chat"), "phone": N_("Phone"),
                "telegram": N_("Telegram"), "api": N_("API"), "portal": N_("Portal")},
    "identity": {"email": N_("E-mail"), "phone": N_("Phone"), "telegram": N_("Telegram"),
                 "whatsapp": N_("WhatsApp"), "other": N_("Other")},
}


def label(group: str, value: object) -> str:
    """The translated name of a code; unknown codes are shown as they are."""
    text = LABELS.get(group, {}).get(str(value))
    return _(text) if text else str(value if value is not None else "")
