"""Sentiment scoring of customers' messages in Russian and English, measured on the labelled sets it ships.

`frontline/routing/data/sentiment_eval.tsv` (320 messages) was written before the scorer's clause rules and
never tuned on; `sentiment_dev.tsv` (415) is what the lexicon was tuned on. docs/routing.md quotes both.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from typer.testing import CliRunner

from frontline.cli.main import app as cli
from frontline.routing.sentiment import lookup, score
from frontline.routing.sentiment_eval import DEVELOPMENT, EVALUATION, LABELS, evaluate, figures, load
from frontline.routing.sentiment_lexicon import STEMS, WORDS

TARGET = 0.85  # macro-F1 on the evaluation set


@pytest.mark.parametrize("text", [
    "Заказ не пришёл, верните деньги.",
    "The order did not arrive, refund me.",
    "Не могу сказать, что доволен.",
])
def test_plain_complaints_with_a_negation_are_negative(text):
    assert score(text).label == "negative"


@pytest.mark.parametrize(("text", "label"), [
    ("Спасибо, всё работает", "positive"),
    ("Не работает, опять ошибка", "negative"),
    ("This is not good at all", "negative"),
    ("Not bad, thanks", "positive"),
    ("Когда будет доставка?", "neutral"),
    # a negation turns around one word of its own clause, however far the next weighted word is
    ("Order not delivered, very disappointed.", "negative"),
    ("Письмо не пришло, это ужасно.", "negative"),
    ("No problems since the update.", "positive"),
    ("Претензий нет, всё работает.", "positive"),  # "нет" after the word it negates
    ("Работать не могу.", "negative"),
    ("I wouldn't say I'm happy with it.", "negative"),
    ("Never been this happy with an upgrade.", "positive"),
    # the clause after "but" decides
    ("Thanks for the reply, but I still can't log in.", "negative"),
    ("Доставка задержалась, но курьер был очень вежлив.", "positive"),
    # praise words in wishes and a thanks beside a request are no praise
    ("It would be great to have an export to PDF.", "neutral"),
    ("Пришлите, пожалуйста, счёт. Спасибо!", "neutral"),
    ("Подскажите, как сменить тариф? Заранее спасибо.", "neutral"),
])
def test_examples(text, label):
    assert score(text).label == label


def test_negation_stops_at_the_end_of_a_clause():
    assert score("Ответа нет. Безобразие!").label == "negative"
    assert score("No reply, broken again").label == "negative"


def test_shouting_strengthens():
    calm = score("The export is broken")
    loud = score("THE EXPORT IS BROKEN!!!")
    assert loud.score < calm.score < 0


def test_scores_are_bounded():
    assert -1 <= score("ужас " * 2000).score <= 1 and -1 <= score("thanks " * 2000).score <= 1
    assert score("").label == score("12345 @@@ ...").label == "neutral"


def test_prefix_lookup_equals_scanning_the_lexicon():
    def scanned(word: str):  # the reference: an exact entry, else the longest stem of at least 3 letters
        if word in WORDS:
            return WORDS[word]
        found = [stem for stem in STEMS if word.startswith(stem) and len(stem) >= 3]
        return STEMS[max(found, key=len)] if found else None

    words = {"", "не", "ok", "mess", "message", "радио", "отличается", "отличный"}
    for stem in STEMS:
        words |= {stem, stem[:3], stem[:-1], stem + "ами", stem + "'s", stem + "ed"}
    assert [w for w in sorted(words) if lookup(w) != scanned(w)] == []


def test_the_sets_are_big_balanced_and_apart():
    evaluation, development = load(EVALUATION), load(DEVELOPMENT)
    assert len(evaluation) >= 300 and len(development) >= 300
    for rows in (evaluation, development):
        assert set(Counter(r.lang for r in rows).values()) and {r.lang for r in rows} == {"ru", "en"}
        assert {r.label for r in rows} == set(LABELS)
        assert {r.kind for r in rows} == {"complaint", "praise", "question", "request", "negation", "mixed"}
        labels = Counter(r.label for r in rows)
        assert min(labels.values()) >= 0.25 * len(rows)  # roughly balanced
        assert all(r.text.strip() for r in rows)

    def words(text: str) -> set[str]:
        return set(re.findall(r"\w+", text.lower().replace("ё", "е")))

    near = [(d.text, e.text) for d in development for e in evaluation
            if len(words(d.text) & words(e.text)) / len(words(d.text) | words(e.text)) >= 0.5]
    assert near == []  # the development set shares no message (nor a near copy) with the evaluation set


def test_evaluation_figures_reach_the_target():
    results = {f.name: f for f in evaluate(load(EVALUATION))}
    assert set(results) == {"all", "ru", "en"}
    assert results["all"].size == results["ru"].size + results["en"].size
    for name in ("all", "ru", "en"):
        assert results[name].macro_f1 >= TARGET, results[name]
        assert results[name].accuracy >= TARGET, results[name]


def test_figures_are_computed_per_class():
    truth, predicted = ["negative", "negative", "neutral", "positive"], ["negative", "neutral", "neutral", "neutral"]
    result = figures("x", truth, predicted)
    by_label = {c.label: c for c in result.classes}
    assert result.accuracy == 0.5
    assert (by_label["negative"].precision, by_label["negative"].recall) == (1.0, 0.5)
    assert (by_label["neutral"].precision, by_label["neutral"].recall) == (1 / 3, 1.0)
    assert (by_label["positive"].precision, by_label["positive"].recall, by_label["positive"].f1) == (0, 0, 0)
    assert result.macro_f1 == pytest.approx((2 / 3 + 0.5 + 0) / 3)


def test_the_command_prints_the_figures():
    result = CliRunner().invoke(cli, ["routing", "sentiment-evaluate"])
    assert result.exit_code == 0, result.output
    overall = re.search(r"all \(320 messages\): accuracy ([\d.]+)%, macro-F1 ([\d.]+)", result.output)
    assert overall is not None, result.output
    expected = {f.name: f for f in evaluate(load(EVALUATION))}["all"]
    assert float(overall.group(1)) == round(expected.accuracy * 100, 1)
    assert float(overall.group(2)) == round(expected.macro_f1, 3)
    for heading in ("ru (160 messages)", "en (160 messages)", "precision", "recall"):
        assert heading in result.output
    misses = CliRunner().invoke(cli, ["routing", "sentiment-evaluate", "--set", "dev", "--misses"])
    assert misses.exit_code == 0 and "sentiment_dev.tsv: 415 labelled messages" in misses.output
    assert CliRunner().invoke(cli, ["routing", "sentiment-evaluate", "--set", "/no/such.tsv"]).exit_code == 2
