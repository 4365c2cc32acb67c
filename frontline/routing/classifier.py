"""Suggests category, priority and team for a new ticket from the desk's own history.

Character n-grams (2-5, within word boundaries) work for Russian and English alike without a
stemmer or a vocabulary; a linear model on TF-IDF features is fast to train. Each field gets its own
model and a confidence (the top class probability). With too little history the classifier stays
silent instead of guessing.

scikit-learn fits the models (TfidfVectorizer + LogisticRegression); what is kept of them is plain data:
the n-gram vocabulary, the idf weights, the coefficients and intercepts. A prediction is done directly
from those (n-grams counted once for all fields, a dictionary lookup per n-gram, one small dot product per
field): the same numbers as scikit-learn's predict_proba (tested), about 0.1 ms instead of 2 ms of
scikit-learn's input checking, and the server never imports scikit-learn.
"""

from __future__ import annotations

import logging
import math
import pickle
from collections import Counter
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from sklearn.pipeline import Pipeline

log = logging.getLogger(__name__)

FIELDS = ("category", "priority", "team")
MIN_EXAMPLES = 100  # per field, across all classes
MIN_PER_CLASS = 10  # classes rarer than this are left out of training
NGRAMS = (2, 5)
FORMAT = 2  # of the saved file; 1 was pickled scikit-learn pipelines


@dataclass(frozen=True)
class Example:
    text: str
    labels: dict[str, str]


@dataclass(frozen=True)
class Suggestion:
    field: str
    value: str
    confidence: float


def ngram_counts(text: str) -> Counter[str]:
    """Character n-grams within word boundaries, as scikit-learn's `char_wb` analyzer makes them (lowercased;
    each word padded with one space either side; a word shorter than n counts once, as itself)."""
    grams: list[str] = []
    low, high = NGRAMS
    for word in text.lower().split():
        padded = f" {word} "
        size = len(padded)
        for n in range(low, high + 1):
            if size <= n:
                grams.append(padded)
                break
            grams += [padded[i:i + n] for i in range(size - n + 1)]
    return Counter(grams)


@dataclass
class FieldModel:
    """One field's fitted TF-IDF + logistic regression, as plain arrays."""

    classes: list[str]
    trained_on: int
    vocabulary: dict[str, int]  # n-gram -> feature column
    idf: np.ndarray  # per column
    coef: np.ndarray  # classes x columns (one row for two classes, as scikit-learn keeps it)
    intercept: np.ndarray

    @staticmethod
    def from_pipeline(pipeline: Pipeline, trained_on: int) -> FieldModel:
        import numpy as np  # heavy: numpy (~16 MiB) loads with the first trained model, not with every process

        features, model = pipeline.named_steps["features"], pipeline.named_steps["model"]
        return FieldModel([str(c) for c in model.classes_], trained_on,
                          {str(k): int(v) for k, v in features.vocabulary_.items()},
                          np.asarray(features.idf_, dtype=np.float64), np.asarray(model.coef_, dtype=np.float64),
                          np.asarray(model.intercept_, dtype=np.float64))

    def proba(self, counts: Counter[str]) -> np.ndarray:
        """Class probabilities for a text's n-gram counts: sublinear tf x idf, L2-normalised, then the model."""
        import numpy as np  # heavy: numpy (~16 MiB) loads with the first trained model, not with every process

        vocabulary = self.vocabulary
        columns, tfs = [], []
        for gram, count in counts.items():
            column = vocabulary.get(gram)
            if column is not None:
                columns.append(column)
                tfs.append(count)
        return self.proba_of(np.asarray(columns, dtype=np.intp), np.asarray(tfs, dtype=np.float64))

    def proba_of(self, columns: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """Class probabilities from the text's in-vocabulary columns and their raw counts."""
        import numpy as np  # heavy: numpy (~16 MiB) loads with the first trained model, not with every process

        if len(columns):
            weights = (1.0 + np.log(counts)) * self.idf[columns]
            weights /= math.sqrt(float(weights @ weights))
            scores = self.coef[:, columns] @ weights + self.intercept
        else:
            scores = self.intercept.copy()
        if len(scores) == 1:  # two classes: the score is the log-odds of the second
            second = 1.0 / (1.0 + math.exp(-float(scores[0])))
            return np.array([1.0 - second, second])
        scores = np.exp(scores - scores.max())
        return np.asarray(scores / scores.sum())


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
    dropped: int = 0  # held-out tickets whose text repeats a training ticket's word for word: left out
    accuracy_with_repeats: float = 0.0  # on the whole held-out split, repeats included (what was reported before)


@dataclass
class Classifier:
    models: dict[str, FieldModel] = field(default_factory=dict)
    format: int = FORMAT

    def suggest(self, text: str) -> list[Suggestion]:
        """One suggestion per field the classifier knows, best class first."""
        import numpy as np  # heavy: numpy (~16 MiB) loads with the first trained model, not with every process

        if not self.models:
            return []
        grams, columns = self._joint()
        found, counts = [], []
        for gram, count in ngram_counts(text).items():  # one lookup per n-gram for all fields
            index = grams.get(gram)
            if index is not None:
                found.append(index)
                counts.append(count)
        joint, tf = np.asarray(found, dtype=np.intp), np.asarray(counts, dtype=np.float64)
        result = []
        for name, model in self.models.items():
            field_columns = columns[name][joint]
            known = field_columns >= 0
            proba = model.proba_of(field_columns[known], tf[known])
            best = int(np.argmax(proba))
            result.append(Suggestion(name, model.classes[best], float(proba[best])))
        return result

    def _joint(self) -> tuple[dict[str, int], dict[str, np.ndarray]]:
        """Every field's n-grams in one dictionary, and per field the column of each (-1: not in its vocabulary).
        Built on first use in a process, not saved."""
        import numpy as np  # heavy: numpy (~16 MiB) loads with the first trained model, not with every process

        joint = self.__dict__.get("_joint_index")
        if joint is None:
            grams: dict[str, int] = {}
            for model in self.models.values():
                for gram in model.vocabulary:
                    grams.setdefault(gram, len(grams))
            columns = {}
            for name, model in self.models.items():
                column = np.full(len(grams), -1, dtype=np.intp)
                for gram, index in model.vocabulary.items():
                    column[grams[gram]] = index
                columns[name] = column
            joint = self.__dict__["_joint_index"] = (grams, columns)
        return joint

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_joint_index"}

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps(self))
        tmp.replace(path)

    @staticmethod
    def load(path: Path) -> Classifier | None:
        if not path.is_file():
            return None
        try:
            loaded: Any = pickle.loads(path.read_bytes())  # our own file, written by save()
        except (pickle.UnpicklingError, AttributeError, EOFError, ImportError) as exc:
            log.warning("routing model %s is unreadable (%s): retrain it with `frontline routing train`", path, exc)
            return None
        if not isinstance(loaded, Classifier):
            return None
        if loaded.__dict__.get("format", 1) == 1:  # scikit-learn pipelines (unpickling imported scikit-learn already)
            try:
                return Classifier({name: FieldModel.from_pipeline(old.__dict__["pipeline"], old.trained_on)
                                   for name, old in loaded.models.items()})
            except (AttributeError, KeyError) as exc:
                log.warning("routing model %s has an unknown format (%s): retrain it with `frontline routing train`",
                            path, exc)
                return None
        return loaded if loaded.format == FORMAT else None


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
    features: dict[tuple[str, ...], tuple[Any, Any]] = {}
    with _one_thread():
        for name in FIELDS:
            texts, labels = _usable(examples, name)
            if len(texts) < MIN_EXAMPLES or len(set(labels)) < 2:
                continue
            classifier.models[name] = FieldModel.from_pipeline(_fit(texts, labels, features), len(texts))
    return classifier


def _one_thread() -> AbstractContextManager[Any]:
    """BLAS and OpenMP threads gain nothing on these small models and spin on a busy machine: one field of the
    demo's history took 14 s of CPU with two threads and 2 s with one (2 cores, load average 14)."""
    from threadpoolctl import threadpool_limits  # comes with scikit-learn: loaded only to train

    return threadpool_limits(limits=1)


def _fit(texts: list[str], labels: list[str], features: dict[tuple[str, ...], tuple[Any, Any]]) -> Pipeline:
    """What `_pipeline().fit(texts, labels)` gives, with the TF-IDF step fitted once for all the fields trained on
    the same texts (usually all three: every handled ticket has a category, a priority and a team)."""
    pipeline = _pipeline()
    key = tuple(texts)
    if key not in features:
        vectorizer = pipeline.named_steps["features"]
        features[key] = (vectorizer, vectorizer.fit_transform(texts))
    vectorizer, matrix = features[key]
    pipeline.steps[0] = ("features", vectorizer)
    pipeline.named_steps["model"].fit(matrix, labels)
    return pipeline


def normalised(text: str) -> str:
    """A text as evaluation compares texts: lower case, whitespace collapsed."""
    return " ".join(text.lower().split())


def evaluate(examples: Sequence[Example], *, threshold: float, test_share: float = 0.2, seed: int = 7
             ) -> list[Evaluation]:
    """Accuracy and confusion table of each field on a held-out split of the desk's own tickets.

    A held-out ticket whose text (normalised) is also a training ticket's is left out of the figures: the model
    has seen the answer to it, so counting it measures memory, not learning (a desk's history repeats
    form letters and auto-replies; the demo's templates did so heavily). How many were left out is reported,
    and the accuracy with them for comparison."""
    import numpy as np  # heavy: numpy (~16 MiB) loads with the first trained model, not with every process

    results = []
    for name in FIELDS:
        texts, labels = _usable(examples, name)
        if len(texts) < MIN_EXAMPLES or len(set(labels)) < 2:
            continue
        from sklearn.model_selection import train_test_split

        x_train, x_test, y_train, y_test = train_test_split(
            texts, labels, test_size=test_share, random_state=seed, stratify=labels)
        with _one_thread():
            model = FieldModel.from_pipeline(_pipeline().fit(x_train, y_train), len(x_train))
        proba = np.array([model.proba(ngram_counts(text)) for text in x_test])  # as the server predicts
        predicted = [model.classes[i] for i in proba.argmax(axis=1)]
        correct = np.array([p == t for p, t in zip(predicted, y_test, strict=True)])
        seen = {normalised(text) for text in x_train}
        new = np.array([normalised(text) not in seen for text in x_test])
        results.append(_scored(name, sorted(set(labels)), [y for y, keep in zip(y_test, new, strict=True) if keep],
                               [p for p, keep in zip(predicted, new, strict=True) if keep],
                               proba.max(axis=1)[new] >= threshold, correct))
    return results


def _scored(name: str, order: list[str], truth: list[str], predicted: list[str], confident: np.ndarray,
            correct_with_repeats: np.ndarray) -> Evaluation:
    import numpy as np  # heavy: numpy (~16 MiB) loads with the first trained model, not with every process

    index = {label: i for i, label in enumerate(order)}
    confusion = [[0] * len(order) for _ in order]
    for t, p in zip(truth, predicted, strict=True):
        confusion[index[t]][index[p]] += 1
    correct = np.array([t == p for t, p in zip(truth, predicted, strict=True)], dtype=bool)
    return Evaluation(
        field=name, accuracy=float(correct.mean()) if len(correct) else 0.0,
        baseline=Counter(truth).most_common(1)[0][1] / len(truth) if truth else 0.0, test_size=len(truth),
        labels=order, confusion=confusion, coverage_at_threshold=float(confident.mean()) if len(truth) else 0.0,
        accuracy_at_threshold=float(correct[confident].mean()) if confident.any() else 0.0,
        dropped=len(correct_with_repeats) - len(truth), accuracy_with_repeats=float(correct_with_repeats.mean()),
    )
