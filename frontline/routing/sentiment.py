"""Sentiment of customers' messages in Russian and English: a transparent lexicon scorer.

Why a lexicon and not a model: no labelled corpus of our own desk exists on day one, models that ship
weights cannot be downloaded here, and support agents must be able to see why a message was scored angry.
The words are in sentiment_lexicon.py. A message is read clause by clause (clauses end at punctuation and at
conjunctions such as "and", "but", "и", "но"):
- a negation ("not", "не", "нет", "никто", "без") turns around the next weighted word of its clause, at most a
  couple of words on, and never past the clause: "Заказ не пришёл, верните деньги" negates "пришёл", not
  "верните". Words for what a customer waits for (arrive, work, reply) are neutral alone and a complaint when
  negated; "нет" after a word negates it ("ответа нет"). A negated verb of saying or thinking reaches into the
  next clause ("Не могу сказать, что доволен");
- after "but", "но", "зато" the clause that follows decides, and a clause opened by "although", "хотя" counts
  less ("Thanks for the reply, but I still can't log in" is a complaint);
- praise words in questions and wishes are requests, not praise ("It would be great if ...", "Было бы удобно");
  a plain thanks next to a request is politeness ("Пришлите счёт, спасибо");
- intensifiers ("very", "очень") and softeners ("a bit", "немного") scale the next word; exclamation marks,
  CAPITALS and emoticons strengthen.
The sum is squashed into [-1, 1]; at most -0.25 is negative, at least 0.25 positive. Accuracy on a labelled
evaluation set: `frontline routing sentiment-evaluate` (docs/routing.md).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from frontline.routing.sentiment_lexicon import (
    BOOST,
    CLAUSE,
    CONCESSIVE,
    CONTRAST,
    IRREALIS,
    NEGATION,
    PHRASES,
    REQUEST,
    SKIP,
    STEMS,
    UNTIL,
    WORD,
    WORDS,
    Cue,
)

LIMIT = 3000  # characters read: the customer's voice is at the top, quoted history below
_TOKEN = re.compile(
    r"\w+(?:['@-]\w+)*"  # words, with ' (didn't), @ and - (чат-бот, из-за) inside
    r"|:-?[)(d]|\){2,}|\({2,}|[\U0001F300-\U0001FAFF\u2600-\u27BF]\ufe0f?"  # emoticons
    r"|[.!?;:\n…]+|[,–—]"  # clause ends, commas and dashes
)
_SHOUTING = re.compile(r"[A-ZА-ЯЁ]{2}")  # only a text with two capitals in a row can be shouting
_PUNCTUATION = frozenset(".!?;:\n…,–—")
_SOFT_END = frozenset(",–—")  # a clause ends, but a "не могу сказать, что ..." reaches over it
_CLAUSE_ONLY_FIRST = frozenset({"yet"})  # a contrast only when it opens a clause ("not yet" is no contrast)
_CONTRAST_BEFORE = 0.3  # what came before a "but" counts this much
_CONTRAST_AFTER = 1.5  # and the clause after it this much
_CONCESSION = 0.4  # a clause opened by "although", "хотя"
_WISH = 0.3  # praise words in a question or a wish
_COURTESY_LEFT = 0.2  # what a polite thanks keeps next to a request
_DEGREE = frozenset({"so", "such", "this", "that", "as", "так", "настолько", "такой", "такая", "такое", "такие",
                     "таким", "такого", "столь"})  # "never been this happy": no negation, praise
_PREFIX_MARK = "*"


def _fold(text: str) -> str:
    return text.lower().replace("ё", "е").replace("’", "'").replace("`", "'")


def _phrase_index() -> tuple[dict[tuple[str, str], list[tuple[tuple[str, ...], Cue]]],
                             dict[str, list[tuple[tuple[str, ...], Cue]]]]:
    """Phrases by their first two words (most start with common words, so one lookup answers almost every
    word), and those whose second word is a prefix by their first word; longest first."""
    by_pair: dict[tuple[str, str], list[tuple[tuple[str, ...], Cue]]] = {}
    by_first: dict[str, list[tuple[tuple[str, ...], Cue]]] = {}
    for phrase, cue in PHRASES.items():
        first, second, *rest = _fold(phrase).split()
        if second.endswith(_PREFIX_MARK):
            by_first.setdefault(first, []).append(((second, *rest), cue))
        else:
            by_pair.setdefault((first, second), []).append((tuple(rest), cue))
    for entries in (*by_pair.values(), *by_first.values()):
        entries.sort(key=lambda entry: -len(entry[0]))
    return by_pair, by_first


_BY_PAIR, _BY_FIRST = _phrase_index()
_FIRST_WORDS = frozenset(first for first, _ in _BY_PAIR) | frozenset(_BY_FIRST)


@dataclass(frozen=True)
class Sentiment:
    score: float  # -1 (furious) .. 1 (delighted)
    label: str  # negative, neutral, positive


@lru_cache(maxsize=16384)
def lookup(word: str) -> Cue | None:
    """What a single (lower-cased) word means: a whole-word entry, else the longest stem it starts with."""
    cue = WORDS.get(word)
    if cue is not None:
        return cue
    for end in range(len(word), 2, -1):
        cue = STEMS.get(word[:end])
        if cue is not None:
            return cue
    return None


def _matches(tokens: list[str], start: int, parts: tuple[str, ...]) -> bool:
    if start + len(parts) > len(tokens):
        return False
    for token, part in zip(tokens[start:start + len(parts)], parts, strict=True):
        if not (token.startswith(part[:-1]) if part.endswith(_PREFIX_MARK) else token == part):
            return False
    return True


def _phrase_at(tokens: list[str], i: int) -> tuple[Cue, int] | None:
    """The longest phrase starting at tokens[i], with the number of tokens it covers."""
    if i + 1 < len(tokens):
        for rest, cue in _BY_PAIR.get((tokens[i], tokens[i + 1]), ()):
            if _matches(tokens, i + 2, rest):
                return cue, 2 + len(rest)
    for rest, cue in _BY_FIRST.get(tokens[i], ()):
        if _matches(tokens, i + 1, rest):
            return cue, 1 + len(rest)
    return None


class _Reader:
    """The running state of one message: totals so far and the open clause."""

    def __init__(self) -> None:
        self.total = 0.0
        self.courtesy = 0.0  # thanks that may be mere politeness
        self.request = False
        self.positive = self.negative = self.polite = 0.0  # the open clause
        self.factor = 1.0
        self.wish = False
        self.boost = 1.0
        self.negation: Cue | None = None
        self.reach = 0
        self.carry = False
        self.last: tuple[float, float] | None = None  # the clause's last weighted word: (as counted, negated)
        self.last_reach = 0
        self.never = False  # the clause has a "never" (see _DEGREE)
        self.expletive = False  # "пока ... не": the next negation is no negation

    def add(self, value: float, *, polite: bool = False) -> None:
        if value > 0:
            self.positive += value
            if polite:
                self.polite += value
        else:
            self.negative += value

    def word(self, cue: Cue) -> None:
        boost, self.boost = self.boost, 1.0
        if self.negation is not None:
            self.add(cue.negated * boost)
            self.negation = None
            self.last = None
            return
        value = cue.weight * boost
        self.add(value, polite=cue.courtesy)
        self.last = (value, cue.negated * boost) if cue.negated else None
        self.last_reach = 3

    def negate(self, cue: Cue) -> None:
        if self.expletive:
            self.expletive = False
            return
        self.never = self.never or cue.exclaim
        if cue.post and self.last is not None and self.last_reach > 0:
            counted, negated = self.last
            self.add(-counted)
            self.add(negated)
            self.last = None
            return
        self.negation, self.reach, self.carry = cue, cue.reach, cue.carry

    def skip(self) -> None:
        """A word with no weight: a pending negation and the last word move out of reach."""
        if self.negation is not None:
            self.reach -= 1
            if self.reach < 0:
                self._drop_negation()
        self.last_reach -= 1

    def _drop_negation(self) -> None:
        if self.negation is not None:
            self.add(self.negation.weight)
        self.negation = None

    def end_clause(self, *, question: bool = False, hard: bool = False) -> None:
        if self.negation is not None and not (self.carry and not hard):
            self._drop_negation()
        self.carry = False
        praise = self.factor * (_WISH if question or self.wish else 1.0)
        self.total += self.positive * praise + self.negative * self.factor
        self.courtesy += self.polite * praise
        self.positive = self.negative = self.polite = 0.0
        self.factor = 1.0
        self.wish = self.never = self.expletive = False
        self.boost = 1.0
        self.last = None

    def contrast(self) -> None:
        self.end_clause()
        self.total *= _CONTRAST_BEFORE
        self.courtesy *= _CONTRAST_BEFORE
        self.factor = _CONTRAST_AFTER

    def take(self, token: str, cue: Cue | None, *, opens_clause: bool) -> None:
        """One word or phrase (`token` is its first word) of the open clause."""
        kind = cue.kind if cue is not None else SKIP
        if self.never and token in _DEGREE:
            self.negation, self.never = None, False
            self.boost *= 1.5
        elif cue is None or kind == SKIP or (kind == WORD and not cue.weight and not cue.negated):
            if self.negation is not None or self.last is not None:
                self.skip()
        elif kind == WORD:
            self.word(cue)
        elif kind == NEGATION:
            self.negate(cue)
        elif kind == BOOST:
            self.boost *= cue.weight
        elif kind == CONTRAST:
            if opens_clause or token not in _CLAUSE_ONLY_FIRST:
                self.contrast()
        elif kind == CONCESSIVE:
            self.end_clause()
            self.factor = _CONCESSION
        elif kind == CLAUSE:
            self.end_clause()
        elif kind == UNTIL:
            if cue.weight:  # "until": a change of state, like "but"
                self.contrast()
            else:  # "пока": the clause's "не" is no negation
                self.end_clause()
                self.expletive = True
        elif kind == IRREALIS:
            self.wish = True
        elif kind == REQUEST:
            self.request = True
            self.skip()


def _read(tokens: list[str]) -> _Reader:
    reader = _Reader()
    i, n = 0, len(tokens)
    opens_clause = True
    while i < n:
        token = tokens[i]
        if token[0] in _PUNCTUATION:
            question = "?" in token
            reader.request = reader.request or question
            reader.end_clause(question=question, hard=token not in _SOFT_END)
            i += 1
            opens_clause = True
            continue
        found = _phrase_at(tokens, i) if token in _FIRST_WORDS else None
        cue, width = found if found is not None else (lookup(token), 1)
        reader.take(token, cue, opens_clause=opens_clause)
        i += width
        opens_clause = False
    reader.end_clause(hard=True)
    return reader


def score(text: str) -> Sentiment:
    text = text[:LIMIT]
    reader = _read(_TOKEN.findall(_fold(text)))
    total = reader.total
    if reader.request:
        total -= reader.courtesy * (1 - _COURTESY_LEFT)
    total *= 1 + min(text.count("!") + text.count("??"), 4) * 0.15
    if _SHOUTING.search(text):
        letters = sum(map(str.isalpha, text))
        if letters >= 12 and sum(map(str.isupper, text)) / letters > 0.6:
            total *= 1.5
    value = math.tanh(total / 3)
    label = "negative" if value <= -0.25 else "positive" if value >= 0.25 else "neutral"
    return Sentiment(round(value, 3), label)
