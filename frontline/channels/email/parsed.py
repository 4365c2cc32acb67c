"""Plain result types of the email parser, shared by parse, loops, bounces and threading."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

Address = tuple[str, str]
"""(display name, address); either may be empty, never None."""


@dataclass(frozen=True)
class Folds:
    """Where quoted history and the signature start in a text (character offsets), None when absent.

    Markers, not cuts: the full text is stored and shown; the display folds from `start` on, and only the
    text before it counts as what a reply says that is new."""

    quote: int | None = None
    signature: int | None = None

    @property
    def start(self) -> int | None:
        found = [offset for offset in (self.signature, self.quote) if offset is not None]
        return min(found) if found else None

    def as_meta(self) -> dict[str, int]:
        return {name: offset for name, offset in (("quote", self.quote), ("signature", self.signature))
                if offset is not None}


@dataclass
class Attachment:
    """One non-body part; `content` is empty when `too_large` is set (size is kept)."""

    filename: str
    content_type: str
    size: int
    content: bytes = b""
    content_id: str | None = None
    is_inline: bool = False
    too_large: bool = False


@dataclass
class AutoInfo:
    """Why (if at all) this message must never get an automatic reply.

    `is_auto` is the hard stop (auto-submitted, list, bulk, bounce senders);
    `is_noreply_sender` is softer: replies would go nowhere but the mail may be real.
    """

    is_auto: bool = False
    reasons: list[str] = field(default_factory=list)
    is_list: bool = False
    is_noreply_sender: bool = False
    auto_submitted: str | None = None


@dataclass
class BouncedRecipient:
    address: str
    status: str | None = None
    action: str | None = None
    diagnostic: str | None = None


@dataclass
class BounceInfo:
    """Delivery failure report; a pure delay must not mark the original as failed."""

    is_bounce: bool = False
    is_permanent: bool = False
    is_delay: bool = False
    is_standard_dsn: bool = False
    original_message_id: str | None = None
    recipients: list[BouncedRecipient] = field(default_factory=list)
    status_codes: list[str] = field(default_factory=list)
    reason: str | None = None


@dataclass
class ParsedEmail:
    """Everything the desk needs from one raw message; built even from broken input."""

    subject: str = ""
    from_: Address = ("", "")
    reply_to: list[Address] = field(default_factory=list)
    to: list[Address] = field(default_factory=list)
    cc: list[Address] = field(default_factory=list)
    date: datetime | None = None
    message_id: str | None = None
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    text: str = ""
    html: str | None = None
    visible_text: str = ""
    folds: Folds = field(default_factory=Folds)
    html_folds: Folds = field(default_factory=Folds)
    attachments: list[Attachment] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    auto: AutoInfo = field(default_factory=AutoInfo)
    bounce: BounceInfo = field(default_factory=BounceInfo)
    has_parse_errors: bool = False
    salvaged: dict[str, str] = field(default_factory=dict)
    """Addresses read from a malformed header that may name someone else: address -> the header as written."""

    @property
    def is_bounce(self) -> bool:
        return self.bounce.is_bounce

    @property
    def from_address(self) -> str:
        return self.from_[1]

    @property
    def reply_address(self) -> str:
        """Where an answer goes: the first Reply-To, else the sender."""
        return self.reply_to[0][1] if self.reply_to else self.from_[1]

    @property
    def reply_address_unconfirmed(self) -> bool:
        """The answer address was salvaged from a malformed header: nothing goes there until an agent confirms."""
        return bool(self.reply_address) and self.reply_address in self.salvaged

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)
