"""Turn bytes from real-world mail into text, even when the declared charset lies.

Mail clients mislabel charsets all the time (windows-1251 sent as iso-8859-1, koi8-r
sent as us-ascii, raw UTF-8 in headers with no declaration at all), so the declared
name is only the first guess. Every fallback is reported as a human-readable warning
so the agent UI can say why a message may look odd.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

import charset_normalizer

# Labels seen in the wild that Python does not know, or knows as a narrower codec than
# the one senders actually use (decoding with the superset never hurts).
_ALIASES: dict[str, str] = {
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "euc-kr": "cp949",
    "euckr": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "x-sjis": "cp932",
    "sjis": "cp932",
    "iso-2022-jp": "iso2022_jp_2",
    "iso-8859-8-i": "iso8859-8",
    "iso-8859-6-i": "iso8859-6",
    "windows-874": "cp874",
    "x-mac-cyrillic": "mac_cyrillic",
    "x-cp1251": "cp1251",
    "win-1251": "cp1251",
    "cp-1251": "cp1251",
    "windows1251": "cp1251",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "ascii",
    "x-user-defined": "",
    "x-unknown": "",
    "unknown-8bit": "",
    "unknown": "",
    "8bit": "",
    "default": "",
}

_LATIN_FAMILY = {"ascii", "cp1252", "iso8859-1", "iso8859-15", "iso8859-2", "cp1250", "iso8859-9"}
# Single-byte Latin tables the detector cannot reliably tell apart on short input;
# windows-1252 is by far the most common of them in mail.
_WESTERN_GUESSES = {"cp1250", "iso8859-2", "cp1252", "iso8859-1", "iso8859-15", "cp1257", "iso8859-4",
                    "iso8859-13", "iso8859-10", "mac-roman", "mac-latin2", "cp1254", "iso8859-9",
                    "iso8859-3", "iso8859-16", "cp850", "cp437", "cp1258"}
_CYRILLIC_CODECS = ("cp1251", "koi8-r", "cp866", "iso8859-5", "mac-cyrillic")
# Relative frequencies of Russian letters (per mille), enough to tell a real text from
# the same bytes read through the wrong Cyrillic table.
_RU_FREQ = dict(zip("оеаинтсрвлкмдпуяыьгзбчйхжшюцщэфъё", [
    110, 85, 80, 73, 67, 63, 55, 47, 45, 44, 35, 32, 30, 28, 26, 20, 19, 17, 17, 16, 16,
    14, 12, 10, 9, 7, 6, 5, 4, 3, 3, 1, 1], strict=True))
_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]+")
_NON_ASCII_LATIN_RUN = re.compile(r"[\u00c0-\u00ff]{3,}")


@dataclass(frozen=True)
class Decoded:
    """Decoded text, the codec that produced it, and a warning when a fallback was used."""

    text: str
    charset: str
    warning: str | None = None


def normalize_charset(name: str | None) -> str | None:
    """Map a declared label to a Python text codec name, or None when unknown/empty."""
    if not name:
        return None
    label = name.strip().strip("\"'").strip().lower().rstrip(";")
    if not label:
        return None
    if label in _ALIASES:
        return _ALIASES[label] or None
    candidates = [label, label.replace("_", "-"), re.sub(r"^(x-|cs)", "", label)]
    for candidate in candidates:
        try:
            info = codecs.lookup(candidate)
        except (LookupError, ValueError):
            continue
        if getattr(info, "_is_text_encoding", True):
            return info.name
    return None


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError, ValueError):
        return None


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
                     for m in matches if _plausible_word(text, m))
    casing = well_cased / letters
    freq = sum(_RU_FREQ.get(ch, 0) for w in words for ch in w.lower()) / letters
    frequency = min(1.0, freq / 45.0)
    return coverage * casing * frequency


def _plausible_word(text: str, match: re.Match[str]) -> bool:
    """Sensible case pattern, and not glued to Latin letters (a one-byte accident)."""
    word = match.group(0)
    before = text[match.start() - 1] if match.start() else " "
    after = text[match.end()] if match.end() < len(text) else " "
    if (before.isascii() and before.isalpha()) or (after.isascii() and after.isalpha()):
        return False
    return word.islower() or word.isupper() or word[1:].islower()


def best_cyrillic(data: bytes) -> tuple[str, str, float] | None:
    """Best (text, codec, quality) among the common Cyrillic single-byte tables."""
    best: tuple[str, str, float] | None = None
    for codec in _CYRILLIC_CODECS:
        text = _strict(data, codec)
        if text is None:
            continue
        quality = cyrillic_quality(text)
        if best is None or quality > best[2]:
            best = (text, codec, quality)
    return best


def looks_like_cyrillic_mojibake(text: str) -> bool:
    """True when a Latin-table decoding looks like Russian read through the wrong table.

    Western European text has a few accented letters among ASCII ones; cp1251/koi8-r
    bytes read as Latin-1 produce long runs of accented letters instead.
    """
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    high = sum(1 for ch in letters if "\u00c0" <= ch <= "\u00ff")
    return high / len(letters) > 0.3 and bool(_NON_ASCII_LATIN_RUN.search(text))


def _has_c1_controls(text: str) -> bool:
    return any("\x80" <= ch <= "\x9f" for ch in text)


def _describe(declared: str | None) -> str:
    return f"charset '{declared}'" if declared else "no charset declared"


def decode_text(data: bytes, declared: str | None, *, warn_undeclared_utf8: bool = True) -> Decoded:
    """Decode `data` using `declared` when it is right, else the best detected charset."""
    codec = normalize_charset(declared)
    if not data:
        return Decoded("", codec or "ascii")
    if codec is None and data.isascii():
        return Decoded(data.decode("ascii"), "ascii")
    if codec is not None:
        text = _strict(data, codec)
        if text is not None:
            return _check_suspicious(data, text, codec, declared)
    return _fallback(data, codec, declared, warn_undeclared_utf8)


def _check_suspicious(data: bytes, text: str, codec: str, declared: str | None) -> Decoded:
    """A clean decode can still be wrong: Latin or Cyrillic tables accept any byte."""
    if data.isascii() or not (codec in _LATIN_FAMILY or codec in _CYRILLIC_CODECS):
        return Decoded(text, codec)
    utf8 = _strict(data, "utf-8")
    if utf8 is not None:
        return Decoded(utf8, "utf-8", f"{_describe(declared)} did not match the content; decoded as utf-8")
    if codec in _LATIN_FAMILY and not (looks_like_cyrillic_mojibake(text) or _has_c1_controls(text)):
        return Decoded(text, codec)
    declared_quality = cyrillic_quality(text) if codec in _CYRILLIC_CODECS else 0.0
    if codec in _CYRILLIC_CODECS and (declared_quality >= 0.35 or sum(b > 127 for b in data) < 6):
        return Decoded(text, codec)  # too little evidence to overrule a Cyrillic label
    best = best_cyrillic(data)
    if best and best[1] != codec and best[2] >= 0.6 and best[2] > declared_quality + 0.2:
        return Decoded(best[0], best[1], f"{_describe(declared)} did not match the content; "
                       f"decoded as {_display(best[1])}")
    return Decoded(text, codec)


def _fallback(data: bytes, codec: str | None, declared: str | None, warn_utf8: bool) -> Decoded:
    """Declared charset failed or is unknown: try UTF-8, Cyrillic, detection, then replace."""
    if declared and codec is None:
        reason = f"charset '{declared}' not recognised"
    elif codec is not None:
        reason = f"content is not valid {_display(codec)}"
    else:
        reason = "no charset declared"
    if codec != "utf-8":
        utf8 = _strict(data, "utf-8")
        if utf8 is not None:
            quiet = codec is None and not declared and not warn_utf8
            return Decoded(utf8, "utf-8", None if quiet else f"{reason}; decoded as utf-8")
    for candidate in (codec, "utf-8"):
        if candidate is not None and _mostly_right(data, candidate):
            text = data.decode(candidate, errors="replace")
            return Decoded(text, candidate, f"{reason}; decoded as {_display(candidate)}, "
                           "some bytes could not be decoded and were replaced")
    best = best_cyrillic(data)
    if best and best[2] >= 0.6:
        return Decoded(best[0], best[1], f"{reason}; decoded as {_display(best[1])}")
    detected = _detect(data)
    if detected is not None:
        return Decoded(detected[0], detected[1], f"{reason}; decoded as {_display(detected[1])}")
    if codec is not None:
        return Decoded(data.decode(codec, errors="replace"), codec,
                       f"{reason}; some bytes could not be decoded and were replaced")
    text = _strict(data, "cp1252") or data.decode("latin-1")
    return Decoded(text, "windows-1252", f"{reason}; decoded as windows-1252")


def _mostly_right(data: bytes, codec: str) -> bool:
    """A few broken bytes in otherwise valid text (e.g. a cut multibyte sequence)."""
    try:
        text = data.decode(codec, errors="replace")
    except (LookupError, ValueError):
        return False
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 127 and ch != "\ufffd")
    return bad <= 2 and good >= 4 * bad


def _detect(data: bytes) -> tuple[str, str] | None:
    try:
        match = charset_normalizer.from_bytes(data).best()
    except Exception:  # detection is best effort; the caller has further fallbacks
        return None
    if match is None:
        return None
    text = str(match)
    encoding = normalize_charset(match.encoding) or match.encoding
    if encoding in _WESTERN_GUESSES:
        western = _strict(data, "cp1252")
        if western is not None and not _has_c1_controls(western):
            return western, "cp1252"
    if "\ufffd" in text or any(unicodedata.category(ch) == "Cc" and ch not in "\r\n\t\f\v" for ch in text):
        return None
    return text, encoding


def _display(codec: str) -> str:
    names = {"cp1251": "windows-1251", "cp1252": "windows-1252", "koi8-r": "koi8-r",
             "cp866": "ibm866", "iso8859-5": "iso-8859-5", "mac-cyrillic": "x-mac-cyrillic"}
    return names.get(codec, codec)
