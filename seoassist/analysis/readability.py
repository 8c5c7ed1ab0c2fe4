"""Readability checks shared by both languages, then the language's own ones."""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from seoassist.analysis.document import Span
from seoassist.analysis.engine import (
    GOOD,
    IMPROVE,
    PROBLEM,
    READABILITY,
    Check,
    Context,
    english_words,
    make_check,
)


def _check(check_id: str, status: str, message: str, spans=()) -> Check:
    return make_check(check_id, READABILITY, status, message, spans)


def _unit(context: Context) -> str:
    return _("characters") if context.is_japanese else _("words")


def share_status(share: float, good_max: float, improve_max: float) -> str:
    if share <= good_max:
        return GOOD
    return IMPROVE if share <= improve_max else PROBLEM


def run_checks(context: Context) -> Iterator[Check]:
    from seoassist.analysis import english, japanese

    if not context.document.sentences:
        return
    yield sentence_length(context)
    yield paragraph_length(context)
    yield subheading_distribution(context)
    yield consecutive_sentences(context)
    language_checks = japanese.run_checks if context.is_japanese else english.run_checks
    yield from language_checks(context)


def sentence_length(context: Context) -> Check:
    limits = context.limits
    sentences = context.document.sentences
    long = [
        sentence for sentence in sentences
        if context.length(context.document.text_of(sentence)) > limits.sentence_max
    ]
    # The share is judged as the message shows it, in whole percent.
    share = round(100 * len(long) / len(sentences))
    values = {
        "share": share,
        "limit": limits.sentence_max,
        "unit": _unit(context),
        "maximum": round(limits.long_sentences_good_max),
    }
    status = share_status(share, limits.long_sentences_good_max, limits.long_sentences_improve_max)
    if status == GOOD:
        return _check(
            "sentence_length", GOOD,
            _("%(share)d %% of the sentences have more than %(limit)d %(unit)s, which is fine.")
            % values, [(s.start, s.end) for s in long],
        )
    return _check(
        "sentence_length", status,
        _(
            "%(share)d %% of the sentences have more than %(limit)d %(unit)s; keep that under "
            "%(maximum)d %%. Split the highlighted sentences."
        ) % values, [(s.start, s.end) for s in long],
    )


def paragraph_length(context: Context) -> Check:
    limits = context.limits
    lengths = [
        (paragraph, context.length(context.document.text_of(paragraph)))
        for paragraph in context.document.paragraphs
    ]
    too_long = [
        (paragraph, length) for paragraph, length in lengths if length > limits.paragraph_good_max
    ]
    values = {"limit": limits.paragraph_good_max, "unit": _unit(context), "count": len(too_long)}
    if not too_long:
        return _check(
            "paragraph_length", GOOD,
            _("No paragraph has more than %(limit)d %(unit)s.") % values,
        )
    longest = max(length for _paragraph, length in too_long)
    status = PROBLEM if longest > limits.paragraph_improve_max else IMPROVE
    return _check(
        "paragraph_length", status,
        ngettext(
            "%(count)d paragraph has more than %(limit)d %(unit)s. Split it into shorter ones.",
            "%(count)d paragraphs have more than %(limit)d %(unit)s. Split them into shorter ones.",
            len(too_long),
        ) % values, [(paragraph.start, paragraph.end) for paragraph, _length in too_long],
    )


def subheading_distribution(context: Context) -> Check:
    limits = context.limits
    document = context.document
    has_subheadings = any(heading.level >= 2 for heading in document.headings)
    values = {"limit": limits.section_good_max, "unit": _unit(context)}
    if not has_subheadings:
        if context.text_length <= limits.section_good_max:
            return _check(
                "subheading_distribution", GOOD,
                _("The text is short enough to need no subheadings."),
            )
        status = PROBLEM if context.text_length > limits.section_improve_max else IMPROVE
        return _check(
            "subheading_distribution", status,
            _(
                "The text has no subheadings. Add an H2 or H3 heading at least every "
                "%(limit)d %(unit)s."
            ) % values,
        )
    sections = [
        (section, context.length(document.masked[section.start : section.end]))
        for section in document.sections()
    ]
    too_long = [
        (section, length) for section, length in sections if length > limits.section_good_max
    ]
    if not too_long:
        return _check(
            "subheading_distribution", GOOD,
            _("No stretch of text between subheadings is longer than %(limit)d %(unit)s.") % values,
        )
    longest = max(length for _section, length in too_long)
    status = PROBLEM if longest > limits.section_improve_max else IMPROVE
    values["count"] = len(too_long)
    return _check(
        "subheading_distribution", status,
        ngettext(
            "%(count)d stretch of text between subheadings is longer than %(limit)d "
            "%(unit)s. Add a subheading inside it.",
            "%(count)d stretches of text between subheadings are longer than %(limit)d "
            "%(unit)s. Add a subheading inside each.",
            len(too_long),
        ) % values, [_trimmed(document.masked, section) for section, _length in too_long],
    )


def _trimmed(text: str, span: Span) -> tuple[int, int]:
    start, end = span.start, span.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def first_word(context: Context, sentence: Span) -> str:
    """Return the normalised first word of a sentence: a morpheme for Japanese."""
    if context.is_japanese:
        tokens = context.body.tokens
        index = bisect_left(context.token_starts, sentence.start)
        if index < len(tokens) and tokens[index].start < sentence.end:
            return tokens[index].norm
        return ""
    words = english_words(context.document.text_of(sentence))
    return words[0].casefold() if words else ""


def consecutive_sentences(context: Context) -> Check:
    limits = context.limits
    sentences = context.document.sentences
    firsts = [first_word(context, sentence) for sentence in sentences]
    runs: list[list[Span]] = []
    current: list[Span] = []
    previous = None
    for sentence, word in zip(sentences, firsts):
        if word and word == previous:
            current.append(sentence)
        else:
            if len(current) > limits.same_start_max:
                runs.append(current)
            current = [sentence]
        previous = word
    if len(current) > limits.same_start_max:
        runs.append(current)
    if not runs:
        return _check(
            "consecutive_sentences", GOOD,
            _("The sentences start in varied ways."),
        )
    return _check(
        "consecutive_sentences", IMPROVE,
        ngettext(
            "Once, %(limit)d or more sentences in a row start with the same word. "
            "Vary how the highlighted sentences start.",
            "%(count)d times, %(limit)d or more sentences in a row start with the same word. "
            "Vary how the highlighted sentences start.",
            len(runs),
        ) % {"count": len(runs), "limit": limits.same_start_max + 1},
        [(sentence.start, sentence.end) for run in runs for sentence in run],
    )
