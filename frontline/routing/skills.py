"""The desk's catalogue of skills, and agents' skills and languages (what skill-based assignment matches).

Agents keep their skills and languages as lists on the user (`User.skills`, `User.languages`); the
catalogue names the skills an administrator offers, so agents are tagged consistently.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from frontline.accounts.models import User
from frontline.accounts.schemas import UserUpdate
from frontline.accounts.service import update_user
from frontline.kit.db import Base, UTCDateTime, utcnow
from frontline.kit.errors import Conflict, InvalidInput, NotFound

SKILL = re.compile(r"^[\w][\w .+#-]{0,59}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


class Skill(Base):
    __tablename__ = "skill"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def normalise_skill(name: str) -> str:
    name = " ".join(name.split()).lower()
    if not SKILL.match(name):
        raise InvalidInput("A skill is 1 to 60 letters, digits, spaces or . + # - _ characters.")
    return name


def list_skills(db: Session) -> Sequence[Skill]:
    return db.scalars(select(Skill).order_by(Skill.name)).all()


def create_skill(db: Session, name: str, description: str = "") -> Skill:
    name = normalise_skill(name)
    if db.scalar(select(Skill.id).where(Skill.name == name)) is not None:
        raise Conflict(f"The skill '{name}' already exists.")
    skill = Skill(name=name, description=description.strip()[:2000])
    db.add(skill)
    db.flush()
    return skill


def delete_skill(db: Session, skill_id: int, *, actor_id: int | None) -> None:
    """Remove a skill from the catalogue and from every agent who had it."""
    skill = db.get(Skill, skill_id)
    if skill is None:
        raise NotFound(f"No skill with id {skill_id}.")
    for user in db.scalars(select(User)).all():
        if skill.name in (user.skills or []):
            update_user(db, user, UserUpdate(skills=[s for s in user.skills if s != skill.name]), actor_id=actor_id)
    db.delete(skill)
    db.flush()


def skills_in_use(db: Session) -> list[str]:
    """Skills agents hold that the catalogue does not list (e.g. set through the API)."""
    known = set(db.scalars(select(Skill.name)))
    held = {s for skills in db.scalars(select(User.skills)) for s in (skills or [])}
    return sorted(held - known)


def set_agent_skills(db: Session, user: User, *, skills: Sequence[str], languages: Sequence[str],
                     actor_id: int | None) -> User:
    """Replace an agent's skills and languages; skills must come from the catalogue."""
    wanted = sorted({normalise_skill(s) for s in skills if s.strip()})
    known = set(db.scalars(select(Skill.name).where(Skill.name.in_(wanted))))
    unknown = [s for s in wanted if s not in known]
    if unknown:
        raise InvalidInput(f"No skill named '{unknown[0]}'; add it to the catalogue first.")
    codes = []
    for code in languages:
        code = code.strip()
        if not code:
            continue
        if not LANGUAGE.match(code.lower()):
            raise InvalidInput(f"'{code}' is not a language code such as 'ru' or 'en'.")
        codes.append(code.lower())
    return update_user(db, user, UserUpdate(skills=wanted, languages=sorted(set(codes))), actor_id=actor_id)
