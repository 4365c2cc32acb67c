"""Words to search terms: lower-cased Snowball stems (Russian for Cyrillic words, English otherwise).

Pure functions. The `snowballstemmer` package is optional: without it words are indexed unstemmed,
so search still works, only "replies" no longer finds "reply".
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_WORD = re.compile(r"\w+", re.UNICODE)
_CYRILLIC = re.compile(r"[а-яё]")
MAX_TERMS = 5000
MAX_WORD = 100  # longer runs (base64, hashes) are not words anyone searches for; PostgreSQL caps a lexeme at 2 KB


@lru_cache(maxsize=2)
def _stemmer(language: str) -> Any:
    try:
        import snowballstemmer
    except ImportError:
        return None
    return snowballstemmer.stemmer(language)


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The stem of one word; cached, since Snowball is pure Python and most words of a desk repeat."""
    word = word.lower().replace("ё", "е")
    stemmer = _stemmer("russian" if _CYRILLIC.search(word) else "english")
    return str(stemmer.stemWord(word)) if stemmer is not None else word


def words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text or "") if len(w) <= MAX_WORD]


def terms_of(text: str) -> str:
    """The space-separated stems the index keeps for a text (both databases: FTS5 on SQLite, a tsvector on
    PostgreSQL, so a word matches the same way on either)."""
    return " ".join(stem(w) for w in words(text)[:MAX_TERMS])


def fts5_query(query: str) -> str | None:
    """An FTS5 MATCH expression: every word's stem must occur (as a prefix), quoted so no operator leaks in."""
    stems = [stem(w) for w in words(query)][:12]
    if not stems:
        return None
    return " AND ".join('"' + s.replace('"', "") + '"*' for s in stems)


def tsquery(query: str) -> str | None:
    """The PostgreSQL tsquery of the same meaning: every word's stem as a prefix (`'stem':* & ...`)."""
    stems = [stem(w) for w in words(query)][:12]
    if not stems:
        return None
    return " & ".join("'" + s.replace("'", "''").replace("\\", "") + "':*" for s in stems)
