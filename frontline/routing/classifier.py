"""Suggests category, priority and team for a new ticket from the desk's own history.

Character n-grams (2-5, within word boundaries) work for Russian and English alike without a
stemmer or a vocabulary; a linear model on TF-IDF features is fast to train and predicts in well
under a millisecond. Each field gets its own model and a confidence (the top class probability).
With too little history the classifier stays silent instead of guessing.
"""

from __future__ import annotations

import pickle
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

FIELDS = ("category", "priority", "team")
MIN_EXAMPLES = 100  # per field, across all classes
MIN_PER_CLASS = 10  # classes rarer than this are left out of training


@dataclass(frozen=True)
class Example:
    text: str
    labels: dict[str, str]


@dataclass(frozen=True)
class Suggestion:
    field: str
    value: str
    confidence: float


@dataclass
class FieldModel:
    pipeline: Pipeline
    classes: list[str]
    trained_on: int


@dataclass
class Evaluation:
    field: str
    accuracy: float
    baseline: float  # always answering the most common class
    test_size: int
    labels: list[str]
    confusion: list[list[int]]
    coverage_at_threshold: float = 0.0
    accuracy_at_threshold: float = 0.0


@dataclass
class Classifier:
    models: dict[str, FieldModel] = field(default_factory=dict)

    def suggest(self, text: str) -> list[Suggestion]:
        """One suggestion per field the classifier knows, best class first."""
        result = []
        for name, model in self.models.items():
            proba = model.pipeline.predict_proba([text])[0]
            best = int(np.argmax(proba))
            result.append(Suggestion(name, model.classes[best], float(proba[best])))
        return result

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps(self))
        tmp.replace(path)

    @staticmethod
    def load(path: Path) -> Classifier | None:
        if not path.is_file():
            return None
        loaded = pickle.loads(path.read_bytes())  # our own file, written by save()
        return loaded if isinstance(loaded, Classifier) else None


def _pipeline() -> Pipeline:
    # scikit-learn takes seconds to import; load it when a model is trained, not when a server starts.
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    return Pipeline([
        ("features", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, max_features=60000,
                                     sublinear_tf=True, lowercase=True)),
        ("model", LogisticRegression(max_iter=300, C=4.0)),
    ])


def _usable(examples: Sequence[Example], name: str) -> tuple[list[str], list[str]]:
    labelled = [(e.text, e.labels[name]) for e in examples if e.labels.get(name)]
    counts = Counter(label for _, label in labelled)
    kept = [(t, label) for t, label in labelled if counts[label] >= MIN_PER_CLASS]
    return [t for t, _ in kept], [label for _, label in kept]


def train(examples: Sequence[Example]) -> Classifier:
    """Fit one model per field that has enough history with at least two classes."""
    classifier = Classifier()
    for name in FIELDS:
        texts, labels = _usable(examples, name)
        if len(texts) < MIN_EXAMPLES or len(set(labels)) < 2:
            continue
        pipeline = _pipeline().fit(texts, labels)
        classifier.models[name] = FieldModel(pipeline, [str(c) for c in pipeline.classes_], len(texts))
    return classifier


def evaluate(examples: Sequence[Example], *, threshold: float, test_share: float = 0.2, seed: int = 7
             ) -> list[Evaluation]:
    """Accuracy and confusion table of each field on a held-out split of the desk's own tickets."""
    results = []
    for name in FIELDS:
        texts, labels = _usable(examples, name)
        if len(texts) < MIN_EXAMPLES or len(set(labels)) < 2:
            continue
        from sklearn.model_selection import train_test_split

        x_train, x_test, y_train, y_test = train_test_split(
            texts, labels, test_size=test_share, random_state=seed, stratify=labels)
        pipeline = _pipeline().fit(x_train, y_train)
        proba = pipeline.predict_proba(x_test)
        classes = [str(c) for c in pipeline.classes_]
        predicted = [classes[i] for i in proba.argmax(axis=1)]
        confident = proba.max(axis=1) >= threshold
        correct = np.array([p == t for p, t in zip(predicted, y_test, strict=True)])
        order = sorted(set(labels))
        index = {label: i for i, label in enumerate(order)}
        confusion = [[0] * len(order) for _ in order]
        for truth, guess in zip(y_test, predicted, strict=True):
            confusion[index[truth]][index[guess]] += 1
        results.append(Evaluation(
            field=name, accuracy=float(correct.mean()),
            baseline=Counter(y_test).most_common(1)[0][1] / len(y_test), test_size=len(y_test), labels=order,
            confusion=confusion, coverage_at_threshold=float(confident.mean()),
            accuracy_at_threshold=float(correct[confident].mean()) if confident.any() else 0.0,
        ))
    return results
