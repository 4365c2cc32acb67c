"""What of a parsed mail becomes the message: the full text, where the display folds it, and what is new.

Nothing is cut away: the message body is the whole text (up to the length limit, beyond which the original
message still has it), quoted history and signatures are only marked (`meta.email.folds`, character offsets
into the stored text and HTML) so the ticket page can fold them behind a toggle, and only the text before the
first marker counts as what a reply says that is new (listeners see that, e.g. rules and sentiment).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from frontline.channels.email.parsed import Folds, ParsedEmail
from frontline.channels.email.quotes import new_text


@dataclass(frozen=True)
class MessageBody:
    text: str
    new: str
    meta: dict[str, Any] = field(default_factory=dict)


def _within(folds: Folds, length: int) -> dict[str, int]:
    return {name: offset for name, offset in folds.as_meta().items() if 0 < offset < length}


def message_body(parsed: ParsedEmail, max_text: int, warnings: list[str]) -> MessageBody:
    """The stored text (cut to `max_text` with a warning), the new part of it, and the meta that goes with it:
    fold offsets of text and HTML, and an unconfirmed answer address."""
    text = parsed.text
    if len(text) > max_text:
        warnings.append(f"text cut to {max_text} characters; the full text is in the original message")
        text = text[:max_text]
    meta: dict[str, Any] = {}
    folds = {"text": _within(parsed.folds, len(text))}
    if parsed.html:
        folds["html"] = _within(parsed.html_folds, len(parsed.html))
    folds = {kind: found for kind, found in folds.items() if found}
    if folds:
        meta["folds"] = folds
    if parsed.reply_address_unconfirmed:
        meta["sender_unconfirmed"] = {"address": parsed.reply_address.strip().lower(),
                                      "header": parsed.salvaged[parsed.reply_address]}
    return MessageBody(text, new_text(text, parsed.folds), meta)
