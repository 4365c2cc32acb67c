"""Weekly contract hours per agent: what the scheduler must keep each week, set by a supervisor.

An agent without a row works the default contract (`DEFAULT_CONTRACT_HOURS`, 36-44 h a week).
Kept light (SQLAlchemy only) so the pages and the API load it without the planning libraries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontline.accounts.models import User
from frontline.kit.errors import InvalidInput, NotFound
from frontline.workforce.models import AgentContract

DEFAULT_CONTRACT_HOURS = 40.0
DEFAULT_BAND_HOURS = 4.0
MAX_CONTRACT_HOURS = 80.0  # 6 days x 12 h, plus a margin; anything above is a typing error
MAX_BAND_HOURS = 40.0


@dataclass(frozen=True)
class Contract:
    contract_hours: float = DEFAULT_CONTRACT_HOURS
    hours_below: float = DEFAULT_BAND_HOURS
    hours_above: float = DEFAULT_BAND_HOURS
    default: bool = True

    @property
    def min_hours(self) -> float:
        return max(0.0, self.contract_hours - self.hours_below)

    @property
    def max_hours(self) -> float:
        return self.contract_hours + self.hours_above


DEFAULT = Contract()


def contracts_of(db: Session, user_ids: Iterable[int]) -> dict[int, Contract]:
    """Each user's contract; users without one get the default."""
    ids = list(user_ids)
    rows = {row.user_id: row for row in db.scalars(select(AgentContract).where(AgentContract.user_id.in_(ids)))}
    return {uid: Contract(rows[uid].contract_hours, rows[uid].hours_below, rows[uid].hours_above, default=False)
            if uid in rows else DEFAULT for uid in ids}


def set_contract(db: Session, user_id: int, contract_hours: float, hours_below: float = DEFAULT_BAND_HOURS,
                 hours_above: float = DEFAULT_BAND_HOURS) -> Contract:
    """Store an agent's weekly contract; the next plan of the agent's teams keeps within it."""
    user = db.get(User, user_id)
    if user is None or user.role == "customer":
        raise NotFound(f"Agent {user_id} does not exist.")
    if not 0 < contract_hours <= MAX_CONTRACT_HOURS:
        raise InvalidInput(f"Contract hours must be above 0 and at most {MAX_CONTRACT_HOURS:g} a week.")
    if not 0 <= hours_below <= contract_hours:
        raise InvalidInput("The hours a week may fall below the contract must be between 0 and the contract hours.")
    if not 0 <= hours_above <= MAX_BAND_HOURS:
        raise InvalidInput(f"The hours a week may go above the contract must be between 0 and {MAX_BAND_HOURS:g}.")
    row = db.get(AgentContract, user_id)
    if row is None:
        row = AgentContract(user_id=user_id, contract_hours=contract_hours)
        db.add(row)
    row.contract_hours, row.hours_below, row.hours_above = contract_hours, hours_below, hours_above
    db.flush()
    return Contract(contract_hours, hours_below, hours_above, default=False)


def team_contracts(db: Session, team_id: int) -> list[tuple[User, Contract]]:
    """The team's active agents, each with their contract (or the default), in the scheduler's order."""
    from frontline.accounts.models import TeamMember

    users = list(db.scalars(select(User).join(TeamMember, TeamMember.user_id == User.id).where(
        TeamMember.team_id == team_id, User.is_active.is_(True), User.role != "customer").order_by(User.id)))
    found = contracts_of(db, [u.id for u in users])
    return [(u, found[u.id]) for u in users]
