"""Writes the demo desk's messages from the wording in frontline/demo/texts.

A customer's first message is one scenario of the ticket's topic, in the customer's language: the problem
in one of several paraphrases with its slots filled in (order numbers, amounts, browsers, months), maybe a
greeting, a detail or two, urgency, calm or annoyance, a closing, and now and then a typo; a few messages are
vague and could be about any topic. So the history has thousands of distinct texts in which the words still
tell the topic, and urgency and technical detail are said in the text (the priority and the hand-over to the
second line follow them, loosely). Every choice comes from the caller's Random: same seed, same desk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from random import Random

from frontline.demo.texts.en import ENGLISH
from frontline.demo.texts.ru import RUSSIAN
from frontline.demo.wording import Language, Scenario, Slots

LANGUAGES: dict[str, Language] = {"en": ENGLISH, "ru": RUSSIAN}
VAGUE_SHARE = 0.04  # first messages that say nothing about their topic
TYPO_SHARE = 0.1  # subjects and messages with a slip or two
LONG_SHARE = 0.1  # first messages that tell the whole story: background and every detail
_WORD = re.compile(r"[^\W\d_]{4,}")


@dataclass(frozen=True)
class FirstMessage:
    subject: str
    body: str
    scenario: Scenario | None  # None: a vague message
    urgency: int  # 1 the customer says it is urgent, -1 that it is not, else 0
    technical: float  # 0..1: how much the text calls for the second line


class _Values(dict[str, str]):
    """The slots of one message, each drawn the first time a template asks for it."""

    def __init__(self, rng: Random, slots: Slots, **fixed: str) -> None:
        super().__init__(fixed)
        self.rng, self.slots = rng, slots

    def __missing__(self, key: str) -> str:
        self.update(self.slots[key](self.rng))
        return self[key]


def _typo(rng: Random, text: str) -> str:
    """One slip a hurried writer makes: letters swapped, dropped or doubled, or a lower-case start."""
    words = list(_WORD.finditer(text))
    if not words or rng.random() < 0.2:
        return text[:1].lower() + text[1:]
    word = rng.choice(words)
    w, i = word.group(), rng.randrange(1, len(word.group()) - 1)
    slip = rng.randrange(3)
    changed = (w[:i] + w[i + 1] + w[i] + w[i + 2:] if slip == 0 else w[:i] + w[i + 1:] if slip == 1
               else w[:i] + w[i] + w[i:])
    return text[:word.start()] + changed + text[word.end():]


def _slips(rng: Random, text: str) -> str:
    if rng.random() >= TYPO_SHARE:
        return text
    for _ in range(rng.choice((1, 1, 2))):
        text = _typo(rng, text)
    return text.replace("ё", "е") if rng.random() < 0.5 else text


def _tone(rng: Random, language: Language, scenario: Scenario) -> tuple[str | None, int]:
    roll = rng.random()
    if roll < 0.14 and scenario.severity >= 0:
        return rng.choice(language.urgent), 1
    if roll < 0.24:
        return rng.choice(language.annoyed), 0
    if roll < 0.32 or (roll < 0.5 and scenario.severity < 0):
        return rng.choice(language.calm), -1
    return None, 0


def first_message(rng: Random, category: str, lang: str, first_name: str) -> FirstMessage:
    """The customer's first message of a ticket on `category`, written in `lang`."""
    language = LANGUAGES[lang]
    values = _Values(rng, language.slots, first=first_name)
    if rng.random() < VAGUE_SHARE:
        subject, body = rng.choice(language.vague)
        return FirstMessage(_slips(rng, subject), _slips(rng, body), None, 0, 0.5)
    scenario = rng.choice(language.scenarios[category])
    long = rng.random() < LONG_SHARE
    sentences = [rng.choice(language.context)] if long else []
    sentences.append(rng.choice(scenario.bodies))
    wanted = len(scenario.details) if long else rng.choices((0, 1, 2), (5, 4, 2))[0]
    details = rng.sample(scenario.details, min(len(scenario.details), wanted))
    sentences += details
    tone, urgency = _tone(rng, language, scenario)
    if tone:
        sentences.insert(rng.choice((len(sentences) - len(details), len(sentences))), tone)
    lines = [rng.choice(language.greetings), " ".join(sentences), rng.choice(language.closings)]
    body = "\n\n".join(line for line in lines if line).format_map(values)
    technical = min(1.0, scenario.technical + 0.1 * len(details))
    subject = rng.choice(scenario.subjects).format_map(values)
    return FirstMessage(_slips(rng, subject), _slips(rng, body), scenario, urgency, technical)


def _scenario(rng: Random, language: Language, category: str, scenario: Scenario | None) -> Scenario:
    return scenario or rng.choice(language.scenarios[category])


def reply(rng: Random, lang: str, first_name: str, kind: str, *, category: str,
          scenario: Scenario | None = None) -> str:
    """An agent's reply: "first" (acknowledges), "question" (asks for more), "handover" (to the next line)
    or "resolution" (what was done, then a closing line)."""
    language = LANGUAGES[lang]
    values = _Values(rng, language.slots, first=first_name)
    if kind == "resolution":
        solved = rng.choice(_scenario(rng, language, category, scenario).resolutions)
        text = f"{rng.choice(language.agent_greetings)} {solved} {rng.choice(language.replies_closing)}"
    else:
        pool = {"first": language.replies_first, "question": language.replies_question,
                "handover": language.replies_handover}[kind]
        text = rng.choice(pool)
    return text.format_map(values)


def followup(rng: Random, lang: str, mood: str) -> str:
    """A customer's later message: "good" (it works), "bad" (it does not) or "info" (what was asked for)."""
    language = LANGUAGES[lang]
    pool = {"good": language.followups_good, "bad": language.followups_bad, "info": language.followups_info}[mood]
    return _slips(rng, rng.choice(pool).format_map(_Values(rng, language.slots)))


def note(rng: Random, lang: str) -> str:
    language = LANGUAGES[lang]
    return rng.choice(language.notes).format_map(_Values(rng, language.slots))
