"""Measuring the sentiment scorer on labelled messages: accuracy, macro-F1, per-class precision and recall.

Two sets ship in frontline/routing/data (how they were made: docs/routing.md):
- `sentiment_eval.tsv`: the evaluation set, written before the scorer's clause rules and never tuned on;
- `sentiment_dev.tsv`: the development set the lexicon was tuned on (its figures are optimistic).
Each row: language (ru, en), label (negative, neutral, positive), kind (complaint, praise, question, request,
negation, mixed) and the text.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from frontline.routing.sentiment import score

DATA = Path(__file__).parent / "data"
EVALUATION = DATA / "sentiment_eval.tsv"
DEVELOPMENT = DATA / "sentiment_dev.tsv"
LABELS = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class Labelled:
    lang: str
    label: str
    kind: str
    text: str


@dataclass(frozen=True)
class ClassFigures:
    label: str
    support: int  # messages with this label
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True)
class Figures:
    name: str  # "all", "ru", "en"
    size: int
    accuracy: float
    macro_f1: float
    classes: tuple[ClassFigures, ...]


def load(path: Path) -> list[Labelled]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [Labelled(r["lang"], r["label"], r["kind"], r["text"]) for r in rows]


def figures(name: str, truth: Sequence[str], predicted: Sequence[str]) -> Figures:
    classes = []
    for label in LABELS:
        hits = sum(t == p == label for t, p in zip(truth, predicted, strict=True))
        guessed, actual = predicted.count(label), truth.count(label)
        precision = hits / guessed if guessed else 0.0
        recall = hits / actual if actual else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        classes.append(ClassFigures(label, actual, precision, recall, f1))
    correct = sum(t == p for t, p in zip(truth, predicted, strict=True))
    return Figures(name, len(truth), correct / len(truth) if truth else 0.0,
                   sum(c.f1 for c in classes) / len(classes), tuple(classes))


def evaluate(examples: Sequence[Labelled], label_of: Callable[[str], str] | None = None) -> list[Figures]:
    """Figures over all examples, then per language (in the order they first appear)."""
    label_of = label_of or (lambda text: score(text).label)
    predicted = [label_of(e.text) for e in examples]
    results = [figures("all", [e.label for e in examples], predicted)]
    for lang in dict.fromkeys(e.lang for e in examples):
        pairs = [(e.label, p) for e, p in zip(examples, predicted, strict=True) if e.lang == lang]
        results.append(figures(lang, [t for t, _ in pairs], [p for _, p in pairs]))
    return results


def misses(examples: Sequence[Labelled]) -> list[tuple[Labelled, str]]:
    """The examples the scorer labels wrongly, with what it said."""
    return [(e, label) for e in examples if (label := score(e.text).label) != e.label]
