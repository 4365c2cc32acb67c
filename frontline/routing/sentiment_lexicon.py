"""The words the sentiment scorer knows, in Russian and English (sentiment.py says how they are combined).

Text is lower-cased and "ё" read as "е" before matching, so entries are written that way.
- Stems match every word that starts with them (the longest stem wins, at least three letters): "разочаров"
  covers "разочарован", "разочарована", "разочарование". A stem has two weights: as written and when negated
  ("не доволен", "not happy"). By default a negated word turns around, weaker for negative words ("not bad" is
  mildly positive) than for positive ones ("not good" is plainly negative).
- Expected: what a customer waits for (arrive, work, reply; пришёл, работает, ответ): neutral on its own, a
  complaint when negated ("заказ не пришёл", "the page doesn't load", "нет ответа", "no reply").
- WORDS match whole words only: negations, intensifiers, conjunctions, and short words a prefix would
  over-match ("bad" must not match "badge", "рад" not "радио").
- PHRASES are sequences of words and win over the words they contain; a trailing "*" makes that word a
  prefix ("уже недел*" = "уже неделю"). A stem with weight 0 only stops a shorter one ("отлича" in
  "отличается" is not "отлич", excellent).
Negative weights are unhappy; a single mild word (about 0.7 or less) leaves a message neutral.
"""

from __future__ import annotations

from typing import NamedTuple

WORD, NEGATION, BOOST, CONTRAST, CONCESSIVE, IRREALIS, REQUEST, SKIP, CLAUSE, FREE, UNTIL = range(11)


class Cue(NamedTuple):
    kind: int
    weight: float = 0.0  # WORD: as written; NEGATION: what it means when it negates nothing; BOOST: factor
    negated: float = 0.0  # WORD: when negated
    courtesy: bool = False  # WORD: a thanks that is only politeness next to a request ("..., thanks")
    reach: int = 2  # NEGATION: how many unweighted words may stand between it and the word it negates
    carry: bool = False  # NEGATION: reaches over a comma into the next clause ("не могу сказать, что доволен")
    post: bool = False  # NEGATION: may negate the word just before it ("ответа нет", "претензий нет")
    exclaim: bool = False  # NEGATION: "never ... so" praises ("never been this happy", "никогда не был так доволен")


def _word(weight: float, negated: float | None = None, *, courtesy: bool = False) -> Cue:
    if negated is None:
        negated = -0.75 * weight if weight < 0 else -0.8 * weight
    return Cue(WORD, weight, negated, courtesy)


def _negation(residual: float = 0.0, *, reach: int = 2, carry: bool = False, post: bool = False,
              exclaim: bool = False) -> Cue:
    return Cue(NEGATION, residual, reach=reach, carry=carry, post=post, exclaim=exclaim)


def _boost(factor: float) -> Cue:
    return Cue(BOOST, factor)


def _all(cue: Cue, *words: str) -> dict[str, Cue]:
    return dict.fromkeys(words, cue)


_EN_NEGATIVE = {
    "angry": -2.5, "anger": -2.5, "furious": -3, "outrag": -3, "terribl": -2.5, "horribl": -2.5, "horrend": -2.5,
    "awful": -2.5, "worst": -3, "useless": -2.5, "disappoint": -2, "unacceptabl": -3, "ridiculous": -2.5,
    "absurd": -2.5, "frustrat": -2, "annoy": -2, "irritat": -2, "broke": -1.5, "fail": -1.2, "error": -0.6,
    "issue": -0.3, "pain": -1.5, "different": -0.6, "crash": -1.5, "bugs": -0.6, "buggy": -1.5, "scam": -3, "fraud": -3,
    "refund": -0.6, "cancel": -0.3, "cancelled": -0.8, "canceled": -0.8, "complain": -2, "waste": -2, "wors": -2,
    "ignor": -2, "lost": -1, "losing": -1.2, "slow": -1, "unhapp": -2, "upset": -2, "hate": -3, "poor": -1.5,
    "wrong": -1.2, "lawyer": -1, "suing": -2.5, "stuck": -1, "damag": -1.5, "crack": -1, "immediately": -0.8,
    "urgent": -0.8, "asap": -0.8, "unable": -0.8, "weeks": -0.5, "disaster": -2.5, "nightmare": -2.5, "joke": -1.5,
    "rude": -2, "unhelpful": -2, "missing": -1.2, "delay": -1, "overcharg": -2, "freez": -1.2, "dead": -1.5,
    "empty": -0.5, "blank": -0.8, "pointless": -2, "lied": -2, "lying": -2, "pathetic": -3, "shame": -2, "disgust": -3,
    "outage": -1.2, "timeout": -1, "leak": -1.2, "overheat": -1.5, "burning": -1, "soaked": -1.5, "scratch": -1,
    "defect": -1.5, "faulty": -1.5, "unusabl": -2.5, "impossibl": -1.5, "confus": -1.2, "misleading": -1.5,
    "incorrect": -1.2, "invalid": -0.8, "blocked": -1, "suspend": -1, "constant": -1, "promised": -0.8, "chasing": -1.5,
    "demand": -1.5, "regret": -2, "sadly": -1, "worried": -0.8, "mistake": -0.5, "difficult": -1, "complicated": -1,
    "hassle": -1.2, "trouble": -1, "glitch": -1, "laggy": -1, "drain": -1, "crazy": -1.5, "insane": -1.5, "spam": -1,
    "stopped": -1.5, "keeps": -0.8, "waited": -1, "waiting": -0.8, "still": -1, "again": -0.6, "twice": -0.6,
    "gone": -1, "rip-off": -2.5, "unclear": -1.2, "nowhere": -1, "wet": -0.8, "cheated": -3, "unreliabl": -2,
    "sucks": -2.5, "garbage": -3, "rubbish": -2.5, "nonsense": -2, "unprofessional": -2.5, "inconvenien": -1.2,
    "expensive": -0.8, "overpriced": -1.5, "backorder": -1, "downtime": -1.2, "why": -0.5, "crashes": -1.5,
    "instead": -0.5, "disconnect": -1, "drop": -0.6, "lag": -1,
    "messy": -1.2, "messed": -1.5, "impolite": -2, "unstable": -1.5, "worthless": -2.5, "unsatisf": -2,
    "dissatisf": -2, "unpleasant": -1.5, "unfriendly": -1.5, "unresponsive": -1.5,
    # stops for a shorter stem: "deadline" is not "dead", "troubleshooting" not "trouble"
    "deadline": 0, "troubleshoot": 0, "dropdown": 0, "goodbye": 0,
}
_EN_POSITIVE = {
    "thank": 2, "thx": 2, "thanx": 2, "tnx": 2, "cheers": 1.5, "great": 2, "excellent": 3, "awesome": 3, "perfect": 2.5,
    "love": 2.5, "amazing": 3, "helpful": 2, "appreciat": 2, "solved": 1.5, "fixed": 1.5, "good": 1.5, "nice": 1.5,
    "happy": 2, "happier": 2, "glad": 2, "quick": 1, "fast": 1, "wonderful": 3, "brilliant": 3, "fantastic": 3,
    "superb": 3, "lovely": 2.5, "delight": 2.5, "pleased": 2, "pleasure": 2, "pleasant": 2, "impress": 2, "smooth": 1.5,
    "easy": 1, "easily": 1, "useful": 2, "recommend": 1.5, "satisf": 2, "kudos": 2.5, "best": 2, "better": 1,
    "lifesaver": 3, "patient": 1.5, "patience": 1.5, "polite": 1.5, "knowledgeable": 1.5, "professional": 1.5,
    "efficient": 1.5, "reliabl": 1.2, "stable": 1, "wow": 1.5, "yay": 2, "hooray": 2, "speedy": 1.2, "prompt": 1.2,
    "thorough": 1.2, "detailed": 0.8, "improv": 1, "finally": 0.5, "fine": 0.6, "okay": 0.5, "resolved": 1.5,
    "sorted": 1.2, "gorgeous": 2.5, "beautiful": 2, "terrific": 3, "outstanding": 3, "grateful": 2.5, "flawless": 2.5,
    "incredibl": 1.5, "legend": 2.5, "worth": 1.5, "enjoy": 2, "liked": 1.2, "likes": 1.2, "loves": 2.5,
    "painless": 1.5, "seamless": 2, "cool": 1.5, "neat": 1.5, "quickly": 1, "early": 0.8,
}
_EN_EXPECTED = {  # (as written, negated)
    "arriv": (0, -1.5), "receiv": (0, -1.5), "got": (0, -1.2), "get": (0, -1.2), "deliver": (0, -1.5),
    "work": (0, -1.5), "order": (0, -1), "ordered": (0, -1.5), "load": (0, -1.2), "open": (0, -1), "start": (0, -1),
    "respond": (0, -1.5), "respons": (0, -1.5), "repl": (0, -1.5), "answer": (0, -1.5), "call": (0, -1),
    "help": (0.5, -1.5), "show": (0, -0.8), "sync": (0, -1), "install": (0, -1.2), "connect": (0, -1.2),
    "send": (0, -1), "sent": (0, -1), "come": (0, -1.2), "came": (0, -1.2), "fix": (0, -1.5), "solv": (0.8, -1.5),
    "resolv": (1, -1.5), "find": (0, -0.5), "found": (0, -0.5), "accept": (0, -1), "valid": (0, -1.2),
    "log": (0, -1.5), "sign": (0, -0.8), "access": (0, -1), "explain": (0, -1.2), "explanation": (0, -1.2),
    "notic": (0, -1.2), "warn": (0, -1), "charg": (-0.3, -1), "print": (0, -1), "run": (0, -1), "ran": (0, -1),
    "save": (0, -1), "upload": (0, -1), "download": (0, -1), "refunded": (0.5, -1.5), "shipped": (0, -1.5),
    "ship": (0, -1.2), "contact": (0, -1), "inform": (0, -1), "updat": (0, -0.8), "hear": (0, -1), "heard": (0, -1),
    "turn": (0, -1), "boot": (0, -1.2), "reach": (0, -1), "recogni": (0, -1), "match": (0, -0.8), "pay": (0, -0.8),
    "paid": (0, -0.8), "reset": (0, -0.8), "problem": (-0.6, 1), "clear": (0.5, -1.2), "friendly": (1.5, -1.5),
}
_RU_NEGATIVE = {
    "ужас": -3, "кошмар": -3, "отвратит": -3, "безобраз": -3, "возмут": -3, "бесит": -3, "бесят": -3, "разочаров": -2,
    "недовол": -2, "обман": -3, "мошенн": -3, "верните": -1.5, "возврат": -0.5, "жалоб": -2, "претенз": -2,
    "юрист": -2.5, "отказ": -1, "ошибк": -0.6, "ошибоч": -1, "ошибаетс": -1, "сломал": -1.5, "слома": -1.5,
    "сломан": -1.5, "поврежд": -1.5, "трещин": -1, "тресн": -1, "разбит": -1.5, "помят": -1.2, "смят": -1.2,
    "глюч": -1.5, "глюк": -1.5, "зависа": -1.2, "завис": -1.2, "тормоз": -1.5, "вылета": -1.5, "вылет": -1.2,
    "пада": -1.2, "опять": -1, "снова": -0.6, "игнорир": -2, "медлен": -1, "долго": -1, "плох": -1.5, "хуже": -2,
    "худш": -3, "бесполез": -2.5, "невозможн": -1.5, "надоел": -2.5, "достал": -2.5, "издева": -3, "дважды": -0.8,
    "списали": -0.8, "потерял": -1, "потеря": -1, "срочно": -0.8, "немедленно": -1, "хамств": -3, "хами": -2.5,
    "хамск": -3, "грубо": -2.5, "груб": -2, "отключ": -0.8, "безответ": -2, "катастроф": -3, "позор": -3, "отписк": -2,
    "грабеж": -3, "развод": -2.5, "смешно": -1, "нелеп": -2, "абсурд": -2.5, "недопустим": -3, "неприемлем": -3,
    "неудоб": -1.5, "неприят": -1.5, "некоррект": -1.2, "неправил": -1.2, "неверн": -1.2, "непонят": -1.2, "неясн": -1,
    "невнятн": -1.5, "запутан": -1.2, "нерабоч": -1.5, "неработающ": -1.5, "пропал": -1.5, "исчез": -0.8, "задерж": -1,
    "опозда": -1, "перенос": -0.8, "отмен": -0.6, "отмените": -0.2, "отменили": -0.8, "вместо": -0.5, "развал": -2,
    "протека": -1.2, "хлопот": -1, "заблокир": -1, "блокир": -1, "увы": -1, "жаль": -0.8, "расстро": -2, "обидно": -1.5,
    "разозл": -2, "злюсь": -2, "злит": -2, "раздража": -2, "нерв": -1, "устал": -1.5, "жду": -0.8, "ждем": -0.8,
    "ждать": -0.8, "ожидани": -0.5, "прождал": -1.5, "требую": -1.5, "требова": -0.8, "брак": -2, "порван": -1.5,
    "промок": -1.5, "мокр": -1, "горел": -1.5, "переплат": -1.5, "лишн": -0.8, "хватит": -1.5, "прекратите": -1.5,
    "соврал": -2, "врете": -2, "врут": -2, "дороговат": -0.5, "фигн": -2.5, "отстой": -3, "жесть": -2, "капец": -2.5,
    "бардак": -2.5, "халтур": -2.5, "кидалов": -3, "сбой": -1.2, "сбои": -1.2, "сбоя": -1.2, "сбоев": -1.2,
    "почему": -0.5, "зачем": -0.5, "лежит": -0.8, "лежал": -0.8, "лежала": -0.8, "упал": -1, "оборвал": -1.2,
    "выкидыва": -1.2, "перестал": -1.5, "постоянн": -0.8, "вечно": -1, "недоступ": -1.2, "реклам": -0.5,
    "шаблонн": -0.8, "пени": -1.2, "штраф": -1, "испорч": -1.5, "подвел": -2, "обещал": -0.8, "зря": -1.2,
    "страдаем": -2, "теряем": -1.5, "сорван": -1.5, "глупо": -1.5, "тупо": -1.5, "бестолков": -2.5, "исправьте": -0.5,
    "невежлив": -2,
    "дорого": -0.8, "нетерпен": -1, "неудач": -1.5, "некрасив": -1, "некачествен": -2, "нестабильн": -1.5,
    "невнимател": -1.5, "непрофессионал": -2.5,
}
_RU_POSITIVE = {
    "спасибо": 2, "спасиб": 2, "спосиб": 2, "пасиб": 2, "спс": 2, "благодар": 2, "отлич": 2.5, "прекрас": 3,
    "замечатель": 3, "супер": 2.5, "быстр": 1, "оператив": 1.5, "довол": 2, "радует": 2, "хорош": 1.5, "молодц": 2.5,
    "понрав": 2, "чудес": 3, "восторг": 3, "восхит": 3, "обожа": 3, "великолеп": 3, "идеальн": 2.5, "потряса": 3,
    "превосход": 3, "здорово": 2, "круто": 2, "шикар": 2.5, "приятн": 1.5, "полезн": 1.5, "профессионал": 1.5,
    "терпен": 1, "ценю": 2, "признател": 2, "выручил": 2.5, "выручили": 2.5, "спасли": 2.5, "спасла": 2.5, "лучш": 2,
    "респект": 2, "гладко": 1.5, "стабильн": 1.2, "подробн": 0.8, "наконец": 0.8, "советую": 1.5, "рекоменд": 1.5,
    "несложн": 0.8, "неплох": 1.5, "приветлив": 1.5, "дружелюб": 1.5, "знающ": 1, "красив": 1.5, "получилос": 1.5,
    "заботлив": 2, "внимател": 1.5, "чутк": 1.5, "качествен": 1.2, "толков": 1.5, "благодарн": 2.5, "клев": 2,
    "огонь": 1.5, "шустр": 1, "умниц": 2.5, "безупреч": 2.5, "удач": 1,
    "классн": 2, "улучш": 1,
}
_RU_EXPECTED = {  # (as written, negated)
    "приш": (0, -1.5), "пришел": (0, -1.5), "пришло": (0, -1.5), "пришла": (0, -1.5), "пришли": (0, -1.5),
    "пришлите": (0, 0), "приход": (0, -1.5), "прид": (0, -1.2), "получ": (0, -1.5), "получаетс": (0.3, -1.2),
    "работа": (0, -1.5), "заработал": (2, -1.5), "заказыва": (0, -1.5), "доставл": (0, -1.5), "доставк": (0, -0.8),
    "достав": (0, -1.5), "привез": (0, -1.5), "ответ": (0, -1.5), "отвеча": (0, -1.5), "ответил": (0, -1.5),
    "звон": (0, -1), "позвон": (0, -1), "перезвон": (0, -1.2), "дозвон": (0, -1.5), "помогл": (2, -1.5),
    "помог": (1.5, -1.5), "помоч": (0, -1.5), "помогите": (0, 0), "помогает": (1.5, -1.5), "загруж": (0, -1.2),
    "груз": (0, -1.2), "открыва": (0, -1.2), "открыв": (0, -1.2), "запуска": (0, -1), "устанавл": (0, -1.2),
    "установ": (0, -1.2), "подключ": (0, -1.2), "срабатыва": (0, -1.5), "сработал": (1.2, -1.5),
    "вернул": (0.8, -1.5), "вернут": (0, -1.5), "показыва": (0, -1), "находит": (0, -0.5), "найти": (0, -0.5),
    "решен": (1.5, -1.5), "решил": (1.2, -1.5), "решить": (0, -1.2), "реша": (0, -1.2), "исправ": (1.2, -1.5),
    "почин": (1.2, -1.5), "войти": (0, -1.5), "войт": (0, -1.5), "зайти": (0, -1.5), "вход": (0, -1.2),
    "действ": (0, -1.2), "принима": (0, -1), "сохраня": (0, -1), "сохран": (0, -1), "отправ": (0, -1.2),
    "выслал": (0, -1.2), "сообщ": (0, -1), "предупред": (0, -1.2), "предупрежд": (0, -1.2), "объясн": (0, -1.2),
    "причин": (0, -1.2), "синхрониз": (0, -1), "печата": (0, -1), "оплач": (0, -0.8), "зачисл": (0, -1.5),
    "поступ": (0, -1.5), "отображ": (0, -1), "заряжа": (0, -1.2), "включа": (0, -1.2), "слыш": (0, -1),
    "видн": (0, -0.8), "доход": (0, -1.2), "дошл": (0, -1.2), "дошел": (0, -1.2), "выполн": (0, -1.2),
    "обработ": (0, -1), "связал": (0, -1.2), "связыва": (0, -1.2), "подход": (0, -0.8), "проблем": (-0.6, 1),
    "сложн": (-1, 0.8), "удобн": (1.5, -1.5), "вежлив": (2, -2), "нрав": (1.5, -1.5), "понятн": (0.8, -1.2),
    "устраива": (1.5, -1.6), "устроил": (1.5, -1.6), "отлича": (0, 0),
}
# A plain thanks next to a request is politeness ("Пришлите счёт, спасибо"), not praise.
_COURTESY = {"thank", "thx", "thanx", "tnx", "cheers", "спасибо", "спасиб", "спосиб", "пасиб", "спс", "благодар"}

WORDS: dict[str, Cue] = {
    # negations: the next weighted word of the clause turns around
    **_all(_negation(), "not", "no", "nor", "neither", "cannot", "don't", "dont", "doesn't", "doesnt", "didn't",
           "didnt", "isn't", "isnt", "wasn't", "wasnt", "aren't", "arent", "weren't", "werent", "won't", "wont",
           "wouldn't", "wouldnt", "couldn't", "couldnt", "shouldn't", "haven't", "havent", "hasn't", "hasnt",
           "hadn't", "ain't", "without", "не", "нисколько", "ничуть", "нельзя"),
    **_all(_negation(-0.5), "can't", "cant", "никак"),
    "nothing": _negation(-0.3, reach=1), "ничего": _negation(-0.3), "без": _negation(reach=1),
    "never": _negation(-0.5, reach=3, exclaim=True), "никогда": _negation(-0.3, reach=3, exclaim=True),
    "nobody": _negation(-1, reach=4), "никто": _negation(-1, reach=4), "нет": _negation(post=True),
    **_all(_negation(-1, reach=1), "никакой", "никакая", "никакое", "никакие", "никаких", "никакого"),
    # intensifiers and softeners: the next weighted word counts more or less
    **_all(_boost(2), "extremely", "крайне"),
    **_all(_boost(1.8), "incredibly", "utterly", "невероятно", "жутко"),
    **_all(_boost(1.6), "completely", "absolutely", "абсолютно", "совершенно", "дико", "безумно", "ужасно"),
    **_all(_boost(1.5), "very", "totally", "truly", "super", "painfully", "очень", "совсем", "полностью", "огромное"),
    **_all(_boost(1.4), "really", "highly", "seriously", "вообще", "настолько"),
    **_all(_boost(1.3), "so", "much", "such", "слишком", "реально", "гораздо", "намного", "большое", "самый", "самая",
           "самое", "сильно"),
    **_all(_boost(1.2), "too", "так", "просто"),
    "quite": _boost(1.1),
    **_all(_boost(0.7), "somewhat", "little", "kinda"),
    **_all(_boost(0.6), "bit", "slightly", "немного", "чуть", "слегка", "немножко", "небольшой", "небольшая",
           "небольшие"),
    # a contrast: what follows decides ("спасибо, но не работает"); a concession counts less
    **_all(Cue(CONTRAST), "but", "however", "unfortunately", "yet", "но", "однако", "зато"),
    **_all(Cue(CONCESSIVE), "although", "though", "despite", "хотя", "несмотря"),
    "until": Cue(UNTIL, 1), "пока": Cue(UNTIL),  # "пока обновление всё не сломало": that "не" negates nothing
    # other conjunctions end a clause: a negation does not reach past them
    **_all(Cue(CLAUSE), "and", "or", "while", "whereas", "because", "which", "и", "или", "а", "потому", "когда",
           "который", "которая", "которое", "которые", "которую"),
    # words a negation reaches over without counting them ("haven't had a single problem")
    **_all(Cue(FREE), "a", "an", "the", "any", "my", "your", "our", "their", "his", "her", "its", "single", "one",
           "me", "us", "мне", "нам", "меня", "нас", "вам", "вас", "мой", "моя", "мое", "мои", "ваш", "ваша", "ваше",
           "ваши", "наш", "наша", "наше", "наши", "ни", "одной", "одного", "один", "одна"),
    # wishes and conditions: praise words there are requests ("было бы здорово", "it would be great if")
    **_all(Cue(IRREALIS), "would", "i'd", "it'd", "we'd", "if", "wish", "hope", "бы", "б", "если", "надеюсь",
           "хотелось"),
    # requests: a plain thanks beside them is politeness
    **_all(Cue(REQUEST), "please", "pls", "plz", "kindly", "could", "can", "пожалуйста", "пжл", "подскажите",
           "пришлите", "прошу", "просьба", "сообщите", "уточните", "объясните", "помогите", "можно", "могли"),
    # short or ambiguous words, matched only whole
    **_all(_word(-2), "lie", "mad", "суд", "судом", "зол", "злой"),
    **_all(_word(0.5), "ok", "ок", "норм", "нормально"),
    **_all(_word(2), "рад", "рада", "рады", "класс", "ура"),
    **_all(_word(0), "rock", "top", "star", "stars", "пять"),
    "bad": _word(-1.5), "badly": _word(-1.5), "sue": _word(-2.5), "bug": _word(-0.6), "late": _word(-1),
    "down": _word(-0.8), "mess": _word(-1.2), "ty": _word(1.5, courtesy=True), "вау": _word(1.5),
    # emoticons (the tokenizer keeps them)
    **_all(_word(1.5), ":)", ":-)", ":d", "))", ")))", "🙂", "😊", "😀", "😃", "😄", "😁", "👍", "❤", "❤️", "🙏", "🥰",
           "😍", "👌", "🎉", "💪"),
    **_all(_word(-1.5), ":(", ":-(", "((", "(((", "🙁", "😞", "😡", "😠", "👎", "🤬", "😤", "😢", "😭", "😩", "😒"),
}

_EN_PHRASES = {
    # negations of more than one word; verbs of saying and thinking reach into the next clause
    "no one": _negation(-1, reach=4), "not even": _negation(-0.5),
    **_all(_negation(), "no longer", "not anymore", "not yet", "not the"),
    **_all(_negation(reach=4, carry=True), "can't say", "cannot say", "wouldn't say", "would not say",
           "don't think", "do not think", "wouldn't call"),
    # complaints
    **_all(_word(-2.5), "fed up", "sick of", "rip off", "at my wits", "never again", "my lawyer", "legal action"),
    **_all(_word(-2), "tired of", "hung up", "hangs up", "fell apart", "falling apart", "how many times", "waste of",
           "nothing works", "never received", "never arrived", "demand a refund"),
    **_all(_word(-1.8), "still waiting", "not happy", "not satisfied"),
    **_all(_word(-1.5), "again and again", "in pieces", "locked out", "for no reason", "no explanation", "fifth time",
           "speak to a manager", "went dead", "charged twice", "double charged", "how is it possible",
           "not what i ordered", "wrong item", "still no", "still not", "still there", "stop sending",
           "want a refund", "refund me", "bug is back", "error is back", "issue is back", "problem is back",
           "blank screen", "white screen", "black screen", "had to wait", "been down", "a joke"),
    **_all(_word(-1.2), "third time", "fourth time", "four times", "five times", "for weeks", "is down", "was down",
           "went down", "taken twice", "lost my", "too late", "too long"),
    **_all(_word(-1), "timing out", "times out", "three times", "many times", "weeks ago", "for days", "for hours",
           "keeps asking", "driving me", "not what i", "too small", "too big", "no matter what",
           "cancel my subscription", "is gone"),
    **_all(_word(-0.8), "every time", "each time", "second time", "week ago", "on hold", "supposed to",
           "where is my", "where's my", "how come"),
    **_all(_word(-0.6), "an hour", "a month"),
    **_all(_word(-0.5), "days ago", "still have", "still has"),
    **_all(_word(0), "what a", "still on", "still available", "still valid", "still possible", "still need",
           "still want", "is back"),
    "show up": _word(0, -1.5), "user friendly": _word(0.8, -1.5),
    # praise
    **_all(_word(3.5), "can't thank you enough", "cannot thank you enough"),
    **_all(_word(3), "thank you so much", "thanks so much", "thanks a million", "thanks a ton", "thank you very much",
           "couldn't be happier", "could not be happier", "couldn't be better", "couldn't have asked for better",
           "you guys are the best"),
    **_all(_word(2.5), "thank you for", "thanks for", "thanks a lot", "many thanks", "much appreciated",
           "like a charm", "saved my", "you saved", "saved the day", "above and beyond", "extra mile", "you rock",
           "five stars", "5 stars", "top notch", "great job", "great work", "works perfectly", "worth every penny",
           "in perfect condition"),
    **_all(_word(2), "did the trick", "does the trick", "well done", "good job", "nice work", "keep up the good work",
           "works now", "working now", "works again", "working again", "all good", "error is gone", "bug is gone",
           "problem is gone", "issue is gone", "the best", "even better"),
    "i really like": _word(1.8),
    **_all(_word(1.5), "can't complain", "no complaints", "nothing to complain about", "keep it up", "back to normal",
           "runs fine", "works fine", "sorted it", "worth it", "in good condition"),
    **_all(_word(1.2), "working fine", "sorted out", "sorting out", "i like", "we like", "no problems", "no issues",
           "not bad"),
    **_all(_word(1), "no worries", "all set", "like it", "not too bad", "not difficult", "wasn't complicated",
           "not complicated"),
    "no problem": _word(0.8), "as always": _word(0.5),
    **_all(_word(0.8, courtesy=True), "have a nice day", "have a great day"),
    # neither: requests, greetings, and phrases whose words would mislead
    **_all(Cue(REQUEST), "could you", "can you", "would you"),
    **_all(Cue(SKIP), "by mistake", "can't believe", "cannot believe", "not sure", "quick question", "no need",
           "no rush", "no hurry", "don't know", "do not know", "haven't decided", "thanks in advance",
           "thank you in advance", "i'd like", "would like", "we'd like", "i would like", "looks like", "seems like",
           "feel like", "good morning", "good afternoon", "good evening", "good day", "let me know",
           "is the best way", "best way", "best regards", "kind regards"),
}
_RU_PHRASES = {
    # negations of more than one word; "так и не могу", "не могу" also negate the verb before them
    "так и не": _negation(-1, reach=3), "ни разу": _negation(reach=3),
    **_all(_negation(), "больше не", "уже не", "ни одного", "ни одной"),
    **_all(_negation(post=True), "больше нет", "не было", "не на что"),
    **_all(_negation(-0.3, post=True), "не могу", "не можем", "не может"),
    **_all(_negation(-1, post=True), "не получается", "так и не могу"),
    **_all(_negation(reach=4, carry=True), "не могу сказать", "не скажу", "не сказал бы", "не сказала бы", "не думаю",
           "нельзя сказать", "не назвал бы"),
    # complaints
    "хуже некуда": _word(-3),
    **_all(_word(-2.5), "сколько можно", "верните деньги", "в суд", "бросил трубку", "бросила трубку",
           "бросили трубку"),
    **_all(_word(-2), "вернуть деньги", "верните мне", "нет ответа", "из-за вас", "из за вас", "зачем я только",
           "руки опускаются"),
    **_all(_word(-1.8), "не доволен", "не довольна", "не устраивает", "не понравил*", "не нравится"),
    **_all(_word(-1.5), "до сих пор", "так и нет", "как можно было", "как так", "без причины", "без объяснений",
           "без объяснения", "пятый раз", "сто раз", "уже пятый", "ошибка вернулась", "проблема вернулась",
           "белый экран", "черный экран", "не хватает", "списали дважды"),
    **_all(_word(-1.2), "без предупреждения", "третий раз", "четвертый раз", "очередной раз", "уже месяц*",
           "уже трет*", "третий день", "третью неделю", "не тот", "не то", "не туда", "не по тому",
           "с руководител*", "не хватило"),
    **_all(_word(-1), "все еще", "к сожалению", "к несчастью", "уже недел*", "уже втор*", "уже пят*",
           "вторую неделю", "не та", "не такой", "не такая", "что бы я ни", "деньги списали", "списали деньги"),
    **_all(_word(-0.8), "второй раз", "несколько раз", "уже час*", "уже дв*", "второй день"),
    "не может быть": _word(-0.5),
    # praise
    **_all(_word(3), "огромное спасибо", "спасибо огромное", "вы лучшие", "лучше и быть не могло", "вы меня спасли"),
    **_all(_word(2.5), "спасибо за", "спасибо большое", "большое спасибо", "спасибо вам", "как часы", "на высоте",
           "на высшем уровне", "и желать нельзя", "пять звезд", "5 звезд", "очень помогли"),
    **_all(_word(2), "на совесть", "так держать", "все заработало", "все получилось", "ошибка исчезла",
           "ошибки исчезли", "ошибка пропала", "проблема исчезла", "проблема ушла", "проблема решена",
           "вопрос решен"),
    **_all(_word(1.5), "того стоит", "стоит того", "все работает", "снова работает", "опять работает",
           "теперь работает", "никаких проблем", "претензий нет", "никаких претензий"),
    **_all(_word(1), "без проблем", "нет проблем", "с первого раза"),
    **_all(_word(0.5), "не за что", "как всегда", "можно закрыть"),
    "хорошего дня": _word(0.8, courtesy=True), "всего доброго": _word(0.5, courtesy=True),
    # neither
    **_all(Cue(IRREALIS), "хорошо бы", "было бы"),
    **_all(Cue(SKIP), "не могу поверить", "не верится", "не уверен", "не уверена", "не знаю", "не помню", "не нужно",
           "не нужен", "не нужна", "не надо", "не срочно", "не пользуемся", "не определились", "не решил , как*",
           "не решила , как*", "не решили , как*", "по ошибке", "нет аккаунта", "еще нет", "не будет",
           "не актуален", "не актуально", "заранее спасибо", "спасибо заранее", "заранее благодарю",
           "благодарю заранее", "доброе утро", "добрый день", "добрый вечер", "быстрый вопрос"),
}
PHRASES: dict[str, Cue] = {**_EN_PHRASES, **_RU_PHRASES}


def _stems() -> dict[str, Cue]:
    stems = {stem: _word(weight, courtesy=stem in _COURTESY)
             for table in (_EN_NEGATIVE, _EN_POSITIVE, _RU_NEGATIVE, _RU_POSITIVE) for stem, weight in table.items()}
    for table in (_EN_EXPECTED, _RU_EXPECTED):
        stems.update({stem: _word(weight, negated) for stem, (weight, negated) in table.items()})
    return stems


STEMS: dict[str, Cue] = _stems()
