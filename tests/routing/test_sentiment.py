"""Sentiment scoring of customers' messages, measured on labelled samples in Russian and English.

`sentiment_sample.tsv` (88 messages) was used while building the lexicon; `sentiment_holdout.tsv`
(39 messages) was written separately and never tuned on, so its accuracy is the honest figure
(docs/routing.md quotes both).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from frontline.routing.sentiment import score

DATA = Path(__file__).parent / "data"


def _accuracy(name: str) -> float:
    rows = list(csv.DictReader((DATA / name).open(encoding="utf-8"), delimiter="\t"))
    assert len(rows) > 30
    return sum(score(r["text"]).label == r["label"] for r in rows) / len(rows)


def test_accuracy_on_the_development_sample():
    assert _accuracy("sentiment_sample.tsv") >= 0.9


def test_accuracy_on_the_holdout_sample():
    assert _accuracy("sentiment_holdout.tsv") >= 0.75


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Спасибо, всё работает", "positive"),
        ("Не работает, опять ошибка", "negative"),
        ("This is not good at all", "negative"),
        ("Not bad, thanks", "positive"),
        ("Когда будет доставка?", "neutral"),
    ],
)
def test_examples(text, label):
    assert score(text).label == label


def test_negation_stops_at_the_end_of_a_clause():
    assert score("Ответа нет. Безобразие!").label == "negative"


def test_shouting_strengthens():
    calm = score("The export is broken")
    loud = score("THE EXPORT IS BROKEN!!!")
    assert loud.score < calm.score < 0


def test_scores_are_bounded():
    assert -1 <= score("ужас " * 200).score <= 1 and -1 <= score("thanks " * 200).score <= 1
