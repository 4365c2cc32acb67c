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
from collections.abc import Sequence
from dataclasses import dataclass

import charset_normalizer

from frontline.channels.email.charset_guess import cyrillic_quality, looks_like_cyrillic_mojibake, plausibility

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
DEFAULT_LABELS = ("windows-1252", "windows-1251", "koi8-r")
"""A mailbox's charsets for undeclared 8-bit text unless an admin names others (Western and Russian mail)."""
DEFAULT_FALLBACKS: tuple[str, ...] = ("cp1252", "cp1251", "koi8-r")
"""`DEFAULT_LABELS` as codec names."""
# How many bytes above 0x7F a text needs before a statistical detector's answer is trusted.
LONG_TEXT = 64
_ISO2022 = re.compile(rb"\x1b(\$[@B]|\$\(D|\(J|\(I|\$\)C)")


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


def fallback_codecs(labels: str | None) -> tuple[str, ...]:
    """A mailbox's setting ("windows-1251, koi8-r") as codec names; unknown labels are skipped, none at all
    gives the defaults."""
    codecs_ = [normalize_charset(label) for label in (labels or "").split(",")]
    found = tuple(dict.fromkeys(c for c in codecs_ if c is not None and c not in ("ascii", "utf-8")))
    return found or DEFAULT_FALLBACKS


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError, ValueError):
        return None


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


def _has_c1_controls(text: str) -> bool:
    return any("\x80" <= ch <= "\x9f" for ch in text)


def _describe(declared: str | None) -> str:
    return f"charset '{declared}'" if declared else "no charset declared"


def decode_text(data: bytes, declared: str | None, *, fallbacks: Sequence[str] = DEFAULT_FALLBACKS,
                warn_undeclared_utf8: bool = True) -> Decoded:
    """Decode `data` using `declared` when it is right, else UTF-8, else the first plausible of `fallbacks`
    (codec names as `normalize_charset` gives them), else a detected charset."""
    codec = normalize_charset(declared)
    if not data:
        return Decoded("", codec or "ascii")
    if codec in (None, "ascii") and data.isascii():
        if b"\x1b" in data and _ISO2022.search(data):
            return _iso2022(data, declared)
        if codec is None:
            return Decoded(data.decode("ascii"), "ascii")
    if codec is not None:
        text = _strict(data, codec)
        if text is not None:
            return _check_suspicious(data, text, codec, declared)
    return _fallback(data, codec, declared, warn_undeclared_utf8, fallbacks)


def _iso2022(data: bytes, declared: str | None) -> Decoded:
    """7-bit ISO-2022 (Japanese mail by default) sent without a label or as us-ascii."""
    kr = b"\x1b$)C" in data
    codec = "iso2022_kr" if kr else "iso2022_jp_2"
    text = _strict(data, codec)
    if text is None:
        return Decoded(data.decode("ascii"), "ascii")
    return Decoded(text, codec, f"{_describe(declared)}; decoded as {'iso-2022-kr' if kr else 'iso-2022-jp'}")


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


def _reason(codec: str | None, declared: str | None) -> str:
    if declared and codec is None:
        return f"charset '{declared}' not recognised"
    if codec is not None:
        return f"content is not valid {_display(codec)}"
    return "no charset declared"


def _fallback(data: bytes, codec: str | None, declared: str | None, warn_utf8: bool,
              fallbacks: Sequence[str]) -> Decoded:
    """Declared charset failed or is unknown: UTF-8, the mailbox's charsets, detection, then replacement."""
    reason = _reason(codec, declared)
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
    guessed = _guess(data, fallbacks)
    if guessed is not None:
        return Decoded(guessed[0], guessed[1], f"{reason}; decoded as {_display(guessed[1])}")
    if codec is not None:
        return Decoded(data.decode(codec, errors="replace"), codec,
                       f"{reason}; some bytes could not be decoded and were replaced")
    last = next((c for c in fallbacks if _strict(data, c) is not None), "cp1252")
    text = _strict(data, last) or data.decode("latin-1")
    return Decoded(text, last, f"{reason}; decoded as {_display(last)}")


def _best_fallback(data: bytes, fallbacks: Sequence[str]) -> tuple[str, str, float] | None:
    """(text, codec, plausibility) of the best of the mailbox's charsets; ties go to the earlier one."""
    best: tuple[str, str, float] | None = None
    for candidate in fallbacks:
        text = _strict(data, candidate)
        if text is None:
            continue
        score = plausibility(text, cyrillic_table=candidate in _CYRILLIC_CODECS)
        if best is None or score > best[2]:
            best = (text, candidate, score)
    return best


def _guess(data: bytes, fallbacks: Sequence[str]) -> tuple[str, str] | None:
    """Undeclared 8-bit text that is not UTF-8. A clearly plausible mailbox charset wins; a detector only
    decides on its own for long text, and for short text only when nothing configured reads well and its
    answer reads clearly well (pure CJK, say)."""
    best = _best_fallback(data, fallbacks)
    if best is not None and best[2] >= 0.8:
        return best[0], best[1]
    long_text = sum(1 for byte in data if byte > 127) >= LONG_TEXT
    detected = _detect(data, western=not long_text) if long_text else None
    if detected is not None and plausibility(detected[0]) >= 0.8:
        return detected
    if best is not None and best[2] >= 0.5:
        return best[0], best[1]
    cyrillic = best_cyrillic(data)
    if cyrillic and cyrillic[2] >= 0.6:
        return cyrillic[0], cyrillic[1]
    if not long_text:
        detected = _detect(data, western=True)
        if detected is not None and plausibility(detected[0]) >= 0.9:
            return detected
    return None


def _mostly_right(data: bytes, codec: str) -> bool:
    """A few broken bytes in otherwise valid text (e.g. a cut multibyte sequence)."""
    try:
        text = data.decode(codec, errors="replace")
    except (LookupError, ValueError):
        return False
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 127 and ch != "\ufffd")
    return bad <= 2 and good >= 4 * bad


def _detect(data: bytes, *, western: bool) -> tuple[str, str] | None:
    """charset-normalizer's answer; with `western`, a Western single-byte guess becomes windows-1252, which it
    cannot tell apart on short input."""
    try:
        match = charset_normalizer.from_bytes(data).best()
    except Exception:  # detection is best effort; the caller has further fallbacks
        return None
    if match is None:
        return None
    text = str(match)
    encoding = normalize_charset(match.encoding) or match.encoding
    if western and encoding in _WESTERN_GUESSES:
        windows = _strict(data, "cp1252")
        if windows is not None and not _has_c1_controls(windows):
            return windows, "cp1252"
    if "\ufffd" in text or any(unicodedata.category(ch) == "Cc" and ch not in "\r\n\t\f\v" for ch in text):
        return None
    return text, encoding


_DISPLAY = {"cp866": "ibm866", "mac-cyrillic": "x-mac-cyrillic", "cp932": "shift_jis", "euc_jp": "euc-jp",
            "iso2022_jp_2": "iso-2022-jp", "cp949": "euc-kr", "gb18030": "gb18030", "big5": "big5"}


def _display(codec: str) -> str:
    """The label mail clients use for a Python codec name."""
    if codec in _DISPLAY:
        return _DISPLAY[codec]
    if re.fullmatch(r"cp125\d", codec):
        return f"windows-{codec[2:]}"
    if codec.startswith("iso8859-"):
        return f"iso-8859-{codec[8:]}"
    return codec
