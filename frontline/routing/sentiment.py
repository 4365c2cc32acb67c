"""Sentiment of customers' messages in Russian and English: a transparent lexicon scorer.

Why a lexicon and not a model: no labelled corpus of our own desk exists on day one, models that ship
weights cannot be downloaded here, and support agents must be able to see why a message was scored
angry. Words are matched by stem prefix (so "разочарован", "разочарована", "разочарование" share one
entry), a negation ("not", "не", "нет", "никак") flips the next two words, intensifiers ("very", "очень",
"совсем") amplify, and shouting (!!!, CAPITALS) strengthens whatever the words say. The score is
squashed into [-1, 1]. Accuracy on the labelled sample is measured in tests/routing/test_sentiment.py
and reported in docs/routing.md.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

# stem prefix -> weight. Negative is unhappy.
_LEXICON: dict[str, float] = {
    # English, negative
    "angry": -2.5, "furious": -3, "outrag": -3, "terribl": -2.5, "horribl": -2.5, "awful": -2.5, "worst": -3,
    "useless": -2.5, "disappoint": -2, "unacceptabl": -3, "ridiculous": -2.5, "frustrat": -2, "annoy": -2,
    "broke": -1.5, "fail": -1.2, "error": -0.6, "problem": -0.6, "issue": -0.3, "crash": -1.5, "bug": -0.6,
    "scam": -3, "fraud": -3, "refund": -0.8, "cancel": -1, "complain": -2, "waste": -2, "wors": -2,
    "still not": -1.5, "again": -0.6, "nobody": -1.5, "ignor": -2, "lost": -1, "never": -1, "slow": -1,
    "unhappy": -2, "upset": -2, "hate": -3, "bad": -1.5, "poor": -1.5, "wrong": -1, "lawyer": -2.5,
    "sue ": -2.5, "charged twice": -1.5, "stuck": -1, "damag": -1.5, "crack": -1, "immediately": -0.8,
    "urgent": -0.8, "asap": -0.8, "can't": -0.8, "cannot": -0.8, "unable": -0.8, "doesn't work": -1.5,
    "not working": -1.5, "days": -0.3, "weeks": -0.8,
    # English, positive
    "thank": 2, "great": 2, "excellent": 3, "awesome": 3, "perfect": 2.5, "love": 2.5, "amazing": 3,
    "helpful": 2, "appreciat": 2, "works now": 2, "solved": 1.5, "fixed": 1.5, "good": 1.5, "nice": 1.5,
    "happy": 2, "glad": 2, "quick": 1, "fast": 1, "kind": 1, "pleas": 0.3, "wonderful": 3, "brilliant": 3,
    # Russian, negative
    "ужас": -3, "кошмар": -3, "отвратит": -3, "безобраз": -3, "возмут": -3, "бесит": -3, "бесят": -3,
    "разочаров": -2, "недовол": -2, "обман": -3, "мошенн": -3, "верните": -1.5, "вернуть деньги": -2,
    "жалоб": -2, "претенз": -2, "суд": -2, "юрист": -2.5, "отказ": -1, "ошибк": -0.6, "ошибаетс": -1,
    "проблем": -0.6, "не работает": -1.5, "сломал": -1.5, "слома": -1.5, "поврежд": -1.5, "трещин": -1,
    "тресн": -1, "глюч": -1.5, "зависа": -1, "опять": -1, "снова": -0.6, "до сих пор": -1.5, "никто": -1.5,
    "игнорир": -2, "медлен": -1, "долго": -1, "плох": -1.5, "хуже": -2, "худш": -3, "бесполез": -2.5,
    "невозможно": -1.5, "надоел": -2.5, "достал": -2.5, "сколько можно": -2.5, "издева": -3,
    "дважды": -0.8, "списали": -0.8, "потерял": -1, "срочно": -0.8, "немедленно": -1, "хамств": -3,
    "грубо": -2.5, "отключ": -0.8, "не могу": -0.8, "не получается": -1, "не приходит": -0.8, "нет ответа": -2,
    "безответ": -2, "отвратительн": -3, "катастроф": -3, "позор": -3,
    # Russian, positive
    "спасибо": 2, "благодар": 2, "отлич": 2.5, "прекрас": 3, "замечатель": 3, "супер": 2.5, "класс": 2,
    "помогл": 2, "заработал": 2, "работает!": 1.5, "решен": 1.5, "исправ": 1.2, "быстро": 1, "оператив": 1.5,
    "доволен": 2, "довольн": 2, "рад ": 2, "рада": 2, "хорош": 1.5, "удобн": 1.5, "вежлив": 2, "молодц": 2.5,
    "пожалуйста": 0.3, "понравил": 2, "чудес": 3,
}
_NEGATIONS = {"not", "no", "never", "don't", "doesn't", "didn't", "isn't", "wasn't", "не", "нет", "ни", "никак",
              "нисколько"}
_INTENSIFIERS = {"very": 1.5, "really": 1.4, "extremely": 2, "totally": 1.5, "so": 1.3, "completely": 1.6,
                 "очень": 1.5, "совсем": 1.5, "крайне": 2, "абсолютно": 1.6, "совершенно": 1.6, "так": 1.2,
                 "полностью": 1.5, "вообще": 1.4}
_PHRASES = sorted((k for k in _LEXICON if " " in k), key=len, reverse=True)
_WORDS = {k: v for k, v in _LEXICON.items() if " " not in k}
_TOKEN = re.compile(r"[\w'!]+", re.UNICODE)
_CLAUSE = re.compile(r"[.?;:\n]+|!+\s")


@dataclass(frozen=True)
class Sentiment:
    score: float  # -1 (furious) .. 1 (delighted)
    label: str  # negative, neutral, positive


_ORDER = {stem: n for n, stem in enumerate(_WORDS)}


@lru_cache(maxsize=8192)
def _word_weight(word: str) -> float:
    """The strongest stem the word starts with (stems of at least 3 letters, or the whole short word); on a tie the
    stem listed first. Looks up the word's prefixes instead of scanning the lexicon, and remembers words."""
    word = word.strip("!'").lower()
    if not word:
        return 0.0
    shortest = 3 if len(word) > 3 else len(word)
    best, best_order = 0.0, -1
    for end in range(shortest, len(word) + 1):
        stem = word[:end]
        weight = _WORDS.get(stem)
        if weight is None:
            continue
        order = _ORDER[stem]
        if abs(weight) > abs(best) or (abs(weight) == abs(best) and best_order >= 0 and order < best_order):
            best, best_order = weight, order
    return best


def _clause_total(clause: str) -> float:
    """Negation and intensifiers reach only within a clause ("нет. Безобразие!" is not negated)."""
    total = 0.0
    flip_left = 0
    boost = 1.0
    for token in _TOKEN.findall(clause):
        bare = token.strip("!'")
        if bare in _NEGATIONS:
            flip_left = 2
            continue
        if bare in _INTENSIFIERS:
            boost = _INTENSIFIERS[bare]
            continue
        weight = _word_weight(token) * boost
        total += -weight * 0.8 if weight and flip_left else weight
        if weight:
            boost = 1.0
            flip_left = 0  # a negation turns one word around, not the rest of the clause
        flip_left = max(0, flip_left - 1)
    return total


def score(text: str) -> Sentiment:
    lowered = " " + re.sub(r"\s+", " ", text.lower()) + " "
    total = 0.0
    for phrase in _PHRASES:
        hits = lowered.count(phrase)
        if hits:
            total += _LEXICON[phrase] * hits
            lowered = lowered.replace(phrase, " ")
    for clause in _CLAUSE.split(lowered):
        total += _clause_total(clause)
    total *= 1 + min(text.count("!"), 4) * 0.15
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 12 and sum(c.isupper() for c in letters) / len(letters) > 0.6:
        total *= 1.5
    value = math.tanh(total / 3)
    label = "negative" if value <= -0.25 else "positive" if value >= 0.25 else "neutral"
    return Sentiment(round(value, 3), label)
