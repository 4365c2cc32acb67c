"""The contacts' plain SQL (frontline/kit/rawsql.py): finding a contact by an identity and creating one from an
address run for every new ticket and every reply that arrives by e-mail, so they skip the ORM."""

from __future__ import annotations

from datetime import datetime

from frontline.kit.rawsql import Raw


def contact_by_identity(raw: Raw, kind: str, value: str) -> tuple[int, int | None] | None:
    """(contact id, organisation id) of the contact with this (normalised) identity."""
    row = raw.one(
        "SELECT c.id, c.organisation_id FROM contact_identity i JOIN contact c ON c.id = i.contact_id"
        " WHERE i.kind = :kind AND i.value = :value", {"kind": kind, "value": value},
    )
    return (int(row[0]), row[1]) if row is not None else None


def organisation_by_domain(raw: Raw, domain: str) -> int | None:
    """The (first) organisation that lists this domain among its domains, ignoring case."""
    domains = ("jsonb_array_elements_text(CASE WHEN jsonb_typeof(o.domains) = 'array' THEN o.domains"
               " ELSE '[]'::jsonb END) AS d(value)" if raw.postgres
               else "json_each(CASE WHEN json_type(o.domains) = 'array' THEN o.domains ELSE '[]' END) AS d")
    row = raw.one(f"SELECT o.id FROM organisation o WHERE EXISTS (SELECT 1 FROM {domains}"
                  " WHERE lower(d.value) = :domain) ORDER BY o.id LIMIT 1", {"domain": domain.lower()})
    return int(row[0]) if row is not None else None


def insert_contact(raw: Raw, name: str, language: str | None, organisation_id: int | None, now: datetime) -> int:
    return int(raw.value(
        "INSERT INTO contact (name, language, organisation_id, notes, created_at, updated_at)"
        " VALUES (:name, :language, :org, '', :now, :now) RETURNING id",
        {"name": name, "language": language, "org": organisation_id, "now": raw.time(now)},
    ))


def insert_identity(raw: Raw, contact_id: int, kind: str, value: str) -> None:
    raw.run("INSERT INTO contact_identity (contact_id, kind, value) VALUES (:c, :kind, :value)",
            {"c": contact_id, "kind": kind, "value": value})
