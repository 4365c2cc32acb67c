from __future__ import annotations

import codecs
import encodings.aliases

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontline.channels.email.charsets import decode_text, normalize_charset

RUSSIAN = "Здравствуйте! Не могу войти в личный кабинет, пишет что пароль неверный."
GERMAN_FRENCH = "Größe und Qualität: très bien, déjà vu, naïve Façade"


@pytest.mark.parametrize("declared", ["iso-8859-1", "us-ascii", "utf-8", None, "windows-1252"])
def test_windows_1251_recovered_whatever_the_label(declared: str | None) -> None:
    result = decode_text(RUSSIAN.encode("cp1251"), declared)
    assert result.text == RUSSIAN
    assert result.charset == "cp1251"
    assert result.warning is not None and "windows-1251" in result.warning


@pytest.mark.parametrize("declared", ["us-ascii", "iso-8859-1", "windows-1251", "utf-8"])
def test_koi8r_recovered_whatever_the_label(declared: str) -> None:
    result = decode_text(RUSSIAN.encode("koi8-r"), declared)
    assert result.text == RUSSIAN
    assert result.warning is not None and "koi8-r" in result.warning


def test_unknown_charset_name_is_reported_with_the_fallback() -> None:
    result = decode_text(RUSSIAN.encode("cp1251"), "x-unknown")
    assert result.text == RUSSIAN
    assert result.warning == "charset 'x-unknown' not recognised; decoded as windows-1251"


def test_correct_latin_label_is_trusted() -> None:
    result = decode_text(GERMAN_FRENCH.encode("cp1252"), "iso-8859-1")
    assert result.text == GERMAN_FRENCH
    assert result.warning is None


def test_utf8_mislabelled_as_latin1_is_detected() -> None:
    result = decode_text(RUSSIAN.encode("utf-8"), "iso-8859-1")
    assert result.text == RUSSIAN
    assert result.charset == "utf-8" and result.warning


def test_undeclared_utf8_decodes_without_replacement() -> None:
    result = decode_text("Ünïcödé ✓ 日本語".encode(), None)
    assert result.text == "Ünïcödé ✓ 日本語"


def test_one_broken_byte_in_utf8_keeps_the_rest() -> None:
    data = "Привет, как дела? Всё хорошо.".encode() + b"\xd0"
    result = decode_text(data, "utf-8")
    assert result.text.startswith("Привет, как дела? Всё хорошо.")
    assert result.warning and "replaced" in result.warning


def test_label_normalisation() -> None:
    assert normalize_charset('"UTF-8"') == "utf-8"
    assert normalize_charset("ks_c_5601-1987") == "cp949"
    assert normalize_charset("win-1251") == "cp1251"
    assert normalize_charset("base64") is None  # a bytes codec, not a charset
    assert normalize_charset("x-unknown") is None


_POOL = "Aé ü ß ñ ø Ж я ё Ω λ א ش ก 中 日 한 €"


def _text_codecs() -> list[str]:
    names = set()
    for name in set(encodings.aliases.aliases.values()):
        try:
            info = codecs.lookup(name)
        except LookupError:
            continue
        if getattr(info, "_is_text_encoding", True) and info.name not in ("undefined",):
            names.add(info.name)
    return sorted(names)


@pytest.mark.parametrize("codec", _text_codecs())
def test_every_python_charset_decodes_its_own_text(codec: str) -> None:
    sample = "Hello, "
    for char in _POOL.split():
        try:
            char.encode(codec)
        except (UnicodeError, LookupError):
            continue
        sample += char + " "
    try:
        data = sample.encode(codec)
    except (UnicodeError, LookupError):
        pytest.skip(f"{codec} cannot encode ASCII")
    result = decode_text(data, codec)
    assert result.text == sample, result.warning


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=300), label=st.sampled_from([None, "utf-8", "us-ascii", "koi8-r",
                                                             "x-bogus", "iso-2022-jp", "utf-16"]))
def test_decoding_never_raises_or_leaks_surrogates(data: bytes, label: str | None) -> None:
    result = decode_text(data, label)
    assert all(not 0xD800 <= ord(ch) <= 0xDFFF for ch in result.text)


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=200))
def test_valid_utf8_never_gets_replacement_characters(text: str) -> None:
    data = text.encode("utf-8", "surrogatepass")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return
    assert decode_text(data, None).text == text
