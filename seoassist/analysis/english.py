"""English readability checks: Flesch reading ease, passive voice and transition words."""
from __future__ import annotations

import re
from collections.abc import Iterator

from django.utils.translation import gettext as _

from seoassist.analysis.engine import GOOD, IMPROVE, PROBLEM, Check, Context, english_words
from seoassist.analysis.readability import _check

_VOWEL_GROUP_RE = re.compile(r"[aeiouy]+")

_BE_FORMS = frozenset("am is are was were be been being get gets got gotten getting".split())
_IRREGULAR_PARTICIPLES = frozenset(
    """
    arisen awoken beaten become begun bent bet bitten bled blown broken brought built burnt
    bought caught chosen come cost cut dealt done drawn dreamt drunk driven eaten fallen fed
    felt fought found fled flown forbidden forgotten forgiven frozen given gone ground grown
    hung heard hidden hit held hurt kept known laid led left lent let lain lit lost made meant
    met paid put quit read ridden rung risen run said seen sought sold sent set shaken shed
    shot shown shut sung sunk sat slept slid spoken spent spun spread stood stolen stuck stung
    struck sworn swept swum taken taught torn told thought thrown understood woken worn won
    withdrawn written
    """.split()
)
_BETWEEN_WORDS = frozenset(("not", "never", "also", "being", "been"))
_NOT_PARTICIPLES = frozenset(
    "need indeed seed speed bed red shed feed breed bleed exceed proceed".split()
)

# One-word and multi-word transition words, lowercase.
TRANSITION_WORDS = frozenset(
    """
    accordingly additionally afterward afterwards also although besides because but
    consequently conversely finally first firstly furthermore hence however indeed instead
    likewise meanwhile moreover nevertheless next nonetheless notably otherwise overall
    second secondly similarly since specifically still subsequently then therefore third
    thirdly thus ultimately whereas while yet
    """.split()
)
TRANSITION_PHRASES = (
    "as a result", "for example", "for instance", "in addition", "in contrast", "in fact",
    "in other words", "in short", "in summary", "on the other hand", "to sum up",
    "as well as", "after all", "above all", "even so", "in conclusion", "at the same time",
    "because of", "due to", "such as", "in particular", "by contrast", "to begin with",
)


def syllables(word: str) -> int:
    """Estimate the syllables of an English word from its vowel groups."""
    word = word.casefold().strip("'’")
    if not word:
        return 0
    if word.isdigit():
        return max(1, len(word))
    count = len(_VOWEL_GROUP_RE.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1
    voiced_ending = word.endswith(("ted", "ded", "ses", "zes", "ces", "ges", "xes"))
    if word.endswith(("ed", "es")) and count > 1 and not voiced_ending:
        count -= 1
    return max(1, count)


def flesch_reading_ease(words: list[str], sentence_count: int) -> float:
    """Return 206.835 − 1.015 × words per sentence − 84.6 × syllables per word."""
    if not words or sentence_count == 0:
        return 100.0
    syllable_count = sum(syllables(word) for word in words)
    return 206.835 - 1.015 * len(words) / sentence_count - 84.6 * syllable_count / len(words)


def is_passive(sentence: str) -> bool:
    """Return whether a sentence has a form of "be" or "get" followed by a past participle."""
    words = [word.casefold().replace("’", "'") for word in english_words(sentence)]
    for index, word in enumerate(words):
        if word not in _BE_FORMS:
            continue
        # Allow one or two adverbs or "not" between the auxiliary and the participle.
        for following in words[index + 1 : index + 4]:
            if following in _IRREGULAR_PARTICIPLES or (
                following.endswith("ed")
                and len(following) > 3
                and following not in _NOT_PARTICIPLES
            ):
                return True
            in_between = following.endswith("ly") or following in _BETWEEN_WORDS
            if not in_between:
                break
    return False


# Words that link sentences only when they open one ("Next, …", but not "the next step").
_OPENING_ONLY = frozenset("first second third next then still since yet while".split())


def has_transition(sentence: str) -> bool:
    words = [word.casefold() for word in english_words(sentence)]
    if not words:
        return False
    if words[0] in TRANSITION_WORDS:
        return True
    if set(words[1:]) & (TRANSITION_WORDS - _OPENING_ONLY):
        return True
    lowered = " " + " ".join(words) + " "
    return any(f" {phrase} " in lowered for phrase in TRANSITION_PHRASES)


def run_checks(context: Context) -> Iterator[Check]:
    yield flesch_check(context)
    yield passive_voice(context)
    transitions = transition_words(context)
    if transitions is not None:
        yield transitions


def flesch_check(context: Context) -> Check:
    limits = context.limits
    words = english_words(" ".join(context.document.text_of(s) for s in context.document.sentences))
    # Judged as the message shows it, to one decimal.
    score = round(flesch_reading_ease(words, len(context.document.sentences)), 1)
    values = {"score": f"{score:.1f}", "minimum": round(limits.flesch_good_min)}
    if score >= limits.flesch_good_min:
        return _check(
            "flesch_reading_ease", GOOD,
            _("The Flesch reading ease is %(score)s, easy enough for most readers.") % values,
        )
    status = IMPROVE if score >= limits.flesch_improve_min else PROBLEM
    return _check(
        "flesch_reading_ease", status,
        _(
            "The Flesch reading ease is %(score)s; aim for %(minimum)d or more. Use shorter "
            "sentences and shorter words."
        ) % values,
    )


def passive_voice(context: Context) -> Check:
    limits = context.limits
    sentences = context.document.sentences
    passive = [s for s in sentences if is_passive(context.document.text_of(s))]
    share = round(100 * len(passive) / len(sentences))
    values = {"share": share, "maximum": round(limits.passive_good_max)}
    spans = [(s.start, s.end) for s in passive]
    if share <= limits.passive_good_max:
        return _check(
            "passive_voice", GOOD,
            _("%(share)d %% of the sentences use the passive voice, which is fine.") % values,
            spans,
        )
    status = IMPROVE if share <= limits.passive_improve_max else PROBLEM
    return _check(
        "passive_voice", status,
        _(
            "%(share)d %% of the sentences use the passive voice; keep it under %(maximum)d %%. "
            "Rewrite the highlighted sentences in the active voice."
        ) % values, spans,
    )


def transition_words(context: Context) -> Check | None:
    limits = context.limits
    if context.text_length < limits.transition_from_length:
        return None
    sentences = context.document.sentences
    with_transition = [s for s in sentences if has_transition(context.document.text_of(s))]
    share = round(100 * len(with_transition) / len(sentences))
    values = {"share": share, "minimum": round(limits.transition_good_min)}
    if share >= limits.transition_good_min:
        return _check(
            "transition_words", GOOD,
            _("%(share)d %% of the sentences contain a transition word.") % values,
        )
    status = IMPROVE if share >= limits.transition_improve_min else PROBLEM
    return _check(
        "transition_words", status,
        _(
            "Only %(share)d %% of the sentences contain a transition word such as “however” or "
            "“for example”. Use them in at least %(minimum)d %% of the sentences."
        ) % values,
    )
