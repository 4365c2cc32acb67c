"""Where quoted history and the signature start in an HTML mail, and the sanitised HTML cut at those points.

Mail clients mark the quoted part of an HTML reply structurally (Gmail's `gmail_quote`, Thunderbird's
`moz-cite-prefix` and `<blockquote type="cite">`, Apple Mail's cited blockquote, Outlook's `divRplyFwdMsg`
and its bordered header block, Yahoo's `yahoo_quoted`...). The sanitiser drops the class and id attributes
that say so, so the markers are found in the raw HTML and each piece is sanitised on its own: every piece is
well-formed, and the stored HTML is their concatenation, with the offsets where the folded pieces begin.
A forwarded message is content, not history, and is never folded.
"""

from __future__ import annotations

import re

from frontline.channels.email.html import sanitize_html
from frontline.channels.email.quotes import Folds

_QUOTE = re.compile(
    r"<div[^>]*\bclass\s*=\s*[\"']?[^\"'>]*\b(?:gmail_quote|moz-cite-prefix|yahoo_quoted|protonmail_quote"
    r"|zmail_extra|OutlookMessageHeader)\b"
    r"|<blockquote[^>]*\btype\s*=\s*[\"']?cite"
    r"|<div[^>]*\bid\s*=\s*[\"']?(?:divRplyFwdMsg|appendonsend|mail-editor-reference-message-container"
    r"|OLK_SRC_BODY_SECTION)\b"
    r"|<(?:div|p)[^>]*\bstyle\s*=\s*[\"'][^\"']*border-top:\s*solid\s+#?[0-9a-f]{3,6}\s+1\.0pt;?\s*padding:\s*3\.0pt"
    r"|-{3,}\s*(?:Original Message|Исходное сообщение|Ursprüngliche Nachricht|Message d'origine)\s*-{3,}",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(
    r"<(?:div|pre|span|table)[^>]*\b(?:class|id)\s*=\s*[\"']?[^\"'>]*\b(?:gmail_signature|moz-signature|Signature)\b",
    re.IGNORECASE,
)
_FORWARD = re.compile(r"Forwarded message|Begin forwarded message|Пересылаемое сообщение|Weitergeleitete Nachricht"
                      r"|Message transféré|Mensaje reenviado", re.IGNORECASE)
_REPLY_LINE = re.compile(r"\b(wrote|schrieb|a écrit|пишет|написал\(?а?\)?|escribió|ha scritto)\s*:\s*$", re.IGNORECASE)
_BLOCK_BEFORE = re.compile(r"<(?:div|p|hr|table)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>|&nbsp;|&#160;")
_HEAD = re.compile(r"<head\b.*?</head>|<style\b.*?</style>|<script\b.*?</script>", re.IGNORECASE | re.DOTALL)


def _visible(html: str) -> str:
    return _TAG.sub(" ", _HEAD.sub(" ", html)).strip()


def _element_start(html: str, position: int) -> int:
    """A text marker ("-----Original Message-----") folds from the block element it sits in; Outlook's reply
    block from the rule just above it."""
    window_start = max(0, position - 400)
    blocks = list(_BLOCK_BEFORE.finditer(html, window_start, position))
    if html[position:position + 11].lower().startswith("<blockquote"):
        # Apple Mail and others: "<div>On ..., Bob wrote:</div><blockquote type=cite>"
        header = next((m for m in reversed(blocks) if _REPLY_LINE.search(_visible(html[m.start():position]))), None)
        return header.start() if header is not None else position
    rules = [m for m in blocks if m.group(0).lower().startswith("<hr")]
    if rules:
        return rules[-1].start()
    if not html.startswith("<", position) and blocks:
        return blocks[-1].start()
    return position


def _quote_start(html: str) -> int | None:
    for match in _QUOTE.finditer(html):
        if _FORWARD.search(_visible(html[match.start():match.start() + 2000])[:300]):
            continue  # a forward: the forwarded message is what the sender wants us to read
        return _element_start(html, match.start())
    return None


def html_folds(html: str) -> tuple[int | None, int | None]:
    """(quote, signature) positions in the raw HTML, or None; none when nothing would be left visible."""
    quote = _quote_start(html)
    signature_match = _SIGNATURE.search(html, 0, quote if quote is not None else len(html))
    signature = signature_match.start() if signature_match else None
    first = min((p for p in (quote, signature) if p is not None), default=None)
    if first is None or not _visible(html[:first]):
        return None, None
    return quote, signature


def sanitize_folded(html: str) -> tuple[str, Folds]:
    """The sanitised HTML, cut at the quote and signature markers and sanitised piece by piece, with the
    offsets of those pieces in the result."""
    quote, signature = html_folds(html)
    cuts = sorted(p for p in {quote, signature} if p is not None)
    if not cuts:
        return sanitize_html(html), Folds()
    pieces = [html[a:b] for a, b in zip([0, *cuts], [*cuts, len(html)], strict=True)]
    clean = [sanitize_html(piece) for piece in pieces]
    offsets = dict(zip(cuts, [sum(len(c) for c in clean[: n + 1]) for n in range(len(cuts))], strict=True))
    return "".join(clean), Folds(quote=offsets.get(quote) if quote is not None else None,
                                 signature=offsets.get(signature) if signature is not None else None)
