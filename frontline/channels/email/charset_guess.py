"""How plausible a decoding of undeclared 8-bit text is, so short text is never read through an exotic table.

Single-byte tables accept every byte, and a statistical detector has too little to go on in five letters
("Grüße" came out as cp1006, "äöüß" as big5hkscs). A real decoding reads as words of one script with a
sensible case pattern; a wrong one produces symbols between letters, scripts mixed inside one word, control
characters, or runs of accented letters (Russian read as Latin). `plausibility` scores exactly that, in
[0, 1]; Cyrillic results are also weighed by Russian letter frequencies (`cyrillic_quality`), which is what
tells windows-1251 from KOI8-R.
"""

from __future__ import annotations

import re
import unicodedata

_RU_FREQ = dict(zip("оеаинтсрвлкмдпуяыьгзбчйхжшюцщэфъё", [
    110, 85, 80, 73, 67, 63, 55, 47, 45, 44, 35, 32, 30, 28, 26, 20, 19, 17, 17, 16, 16,
    14, 12, 10, 9, 7, 6, 5, 4, 3, 3, 1, 1], strict=True))
"""Relative frequencies of Russian letters (per mille): a real text against the same bytes read wrongly."""
_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]+")
_WORD = re.compile(r"[^\W\d_]+")
_NON_ASCII_LATIN_RUN = re.compile(r"[\u00c0-\u024f]{3,}")
# punctuation real text uses; between two letters it is still suspicious (except apostrophes and dots)
_TYPOGRAPHIC = set("\u00a0\u00ad«»„“”‘’–—…€£¥¢°§©®™•·№´\u2009\u202f\u3000、。「」『』・〜！？（）：；，．")
_INSIDE_WORD_OK = set("’·\u00ad")
_COMPATIBLE_SCRIPTS = ({"latin", "cjk"}, {"latin", "hangul"})


def cyrillic_quality(text: str) -> float:
    """Score in [0, 1]: how much the non-ASCII part of `text` reads like Russian.

    Reading bytes through the wrong Cyrillic table still yields Cyrillic letters, but
    with random case inside words and rare letters; both are penalised here.
    """
    non_ascii = [ch for ch in text if ord(ch) > 127]
    if not non_ascii:
        return 0.0
    matches = list(_CYRILLIC_WORD.finditer(text))
    words = [m.group(0) for m in matches]
    letters = sum(len(w) for w in words)
    if letters == 0:
        return 0.0
    coverage = min(1.0, letters / len(non_ascii))
    well_cased = sum(len(m.group(0)) * (0.5 if len(m.group(0)) > 1 and m.group(0).isupper() else 1.0)
                     for m in matches if _plausible_cyrillic_word(text, m))
    casing = well_cased / letters
    freq = sum(_RU_FREQ.get(ch, 0) for w in words for ch in w.lower()) / letters
    frequency = min(1.0, freq / 45.0)
    return coverage * casing * frequency


def _plausible_cyrillic_word(text: str, match: re.Match[str]) -> bool:
    """Sensible case pattern, and not glued to Latin letters (a one-byte accident)."""
    word = match.group(0)
    before = text[match.start() - 1] if match.start() else " "
    after = text[match.end()] if match.end() < len(text) else " "
    if (before.isascii() and before.isalpha()) or (after.isascii() and after.isalpha()):
        return False
    return _well_cased(word)


def _well_cased(word: str) -> bool:
    return word.islower() or word.isupper() or word[1:].islower() or not any(c.isupper() for c in word[1:])


def looks_like_cyrillic_mojibake(text: str) -> bool:
    """True when a Latin-table decoding looks like Russian read through the wrong table.

    Western European text has a few accented letters among ASCII ones; cp1251/koi8-r
    bytes read as windows-1252 or -1250 produce long runs of accented letters instead.
    """
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    high = sum(1 for ch in letters if "\u00c0" <= ch <= "\u024f")
    return high / len(letters) > 0.3 and bool(_NON_ASCII_LATIN_RUN.search(text))


def _script(ch: str) -> str:
    code = ord(ch)
    if code < 128:
        return "latin"
    if 0xFF61 <= code <= 0xFF9F:
        return "halfwidth"  # legacy half-width katakana: what EUC-JP read as Shift_JIS turns into
    if 0x3000 <= code <= 0x30FF or 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xFF00 <= code <= 0xFFEF:
        return "cjk"
    if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
        return "hangul"
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0].lower() if name else "unknown"


def _hard_failure(text: str) -> bool:
    """Characters no real text contains: C1 controls, unassigned or private code points, U+FFFD."""
    for ch in text:
        if ord(ch) < 128:
            continue
        category = unicodedata.category(ch)
        if category in ("Cc", "Cn", "Co", "Cs") or ch == "\ufffd":
            return True
    return False


def _bad_letters(text: str) -> int:
    """Non-ASCII letters in words that mix scripts or have a random case pattern."""
    bad = 0
    for match in _WORD.finditer(text):
        word = match.group(0)
        if word.isascii():
            continue
        scripts = {_script(ch) for ch in word}
        mixed = len(scripts) > 1 and scripts not in _COMPATIBLE_SCRIPTS
        if mixed or not _well_cased(word):
            bad += sum(1 for ch in word if ord(ch) > 127)
    return bad


def _bad_symbols(text: str) -> float:
    """Non-ASCII characters that are neither letters nor everyday punctuation, or punctuation inside a word."""
    bad = 0.0
    for index, ch in enumerate(text):
        script = _script(ch) if ord(ch) >= 128 else "latin"
        if script == "halfwidth":  # rare in real mail, but Shift_JIS still has it
            bad += 0.5
            continue
        if ord(ch) < 128 or unicodedata.category(ch)[0] in "LM" or script in ("cjk", "hangul"):
            continue
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        inside_word = before.isalpha() and after.isalpha() and ch not in _INSIDE_WORD_OK
        if ch not in _TYPOGRAPHIC or inside_word:
            bad += 1
    return bad


def plausibility(text: str, *, cyrillic_table: bool = False) -> float:
    """Score in [0, 1] of how much `text` (a decoding of 8-bit bytes) reads like real writing."""
    non_ascii = sum(1 for ch in text if ord(ch) > 127)
    if non_ascii == 0:
        return 1.0
    if _hard_failure(text):
        return 0.0
    score = max(0.0, 1.0 - (_bad_letters(text) + _bad_symbols(text)) / non_ascii)
    if looks_like_cyrillic_mojibake(text):
        score *= 0.6
    cyrillic = sum(1 for ch in text if "\u0400" <= ch <= "\u04ff")
    if cyrillic_table or cyrillic * 2 > non_ascii:
        score *= cyrillic_quality(text) if cyrillic else 0.5
    return score
