"""Japanese readability checks: script balance, 読点, mixed styles, noun runs, transitions."""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from seoassist.analysis.document import Span
from seoassist.analysis.engine import GOOD, IMPROVE, PROBLEM, Check, Context
from seoassist.analysis.matching import Token
from seoassist.analysis.readability import _check, share_status

_NOUN_POS = ("名詞", "接頭辞", "接尾辞")
# Polite auxiliaries in Sudachi's normalised form; です also covers でしょう and でした.
_POLITE = frozenset(("です", "ます"))
_PLAIN_AUXILIARIES = frozenset(("だ", "た", "ない", "ず", "う", "よう", "らしい", "まい"))

# Words that open a sentence to link it to the previous one, beyond Sudachi's 接続詞.
TRANSITION_OPENERS = (
    "例えば", "たとえば", "その結果", "一方", "このように", "そのため", "具体的には", "特に",
    "さらに", "更に", "まず", "次に", "最後に", "最初に", "実は", "要するに", "結論から",
    "したがって", "なぜなら", "ちなみに", "逆に", "同様に", "加えて", "とはいえ", "それでも",
    "一般的に", "以上のように", "言い換えると", "つまり", "ただし", "なお", "また", "しかし",
    "そして", "ところが", "それに", "むしろ", "反対に", "結果として", "そこで", "では",
)


_KANJI_RANGES = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0xF900, 0xFAFF))


def _script(char: str) -> str:
    code = ord(char)
    if 0x3041 <= code <= 0x309F:
        return "hiragana"
    if 0x30A0 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9F:
        return "katakana" if char != "・" else ""
    if char == "々" or any(low <= code <= high for low, high in _KANJI_RANGES):
        return "kanji"
    return ""


def script_shares(text: str) -> dict[str, float]:
    """Return kanji, hiragana and katakana as percentages of all three in `text`."""
    counts = {"kanji": 0, "hiragana": 0, "katakana": 0}
    for char in text:
        script = _script(char)
        if script:
            counts[script] += 1
    total = sum(counts.values())
    if total == 0:
        return {script: 0.0 for script in counts}
    return {script: 100 * count / total for script, count in counts.items()}


def sentence_tokens(context: Context, sentence: Span) -> list[Token]:
    tokens = context.body.tokens
    starts = context.token_starts
    first = bisect_left(starts, sentence.start)
    last = bisect_left(starts, sentence.end)
    return tokens[first:last]


def sentence_style(tokens: list[Token]) -> str:
    """Return "polite" (です/ます), "plain" (だ/である) or "" for a sentence's ending.

    Sentences that end in a noun (体言止め) or a quotation have no style.
    """
    ending = [token for token in tokens if token.pos and token.pos[0] not in ("補助記号", "空白")]
    # Sentence-final particles (よ, ね, か) do not change the style.
    while ending and ending[-1].pos[0] == "助詞" and ending[-1].pos[1] == "終助詞":
        ending.pop()
    if not ending:
        return ""
    tail = ending[-4:]
    if any(token.pos[0] == "助動詞" and token.norm in _POLITE for token in tail):
        return "polite"
    last = ending[-1]
    if last.norm in ("下さる", "くださる"):
        return "polite"
    if last.pos[0] == "助動詞" and last.norm in _PLAIN_AUXILIARIES:
        return "plain"
    if last.pos[0] in ("動詞", "形容詞") or (last.pos[0] == "助動詞" and last.norm == "である"):
        return "plain"
    if len(ending) >= 2 and ending[-2].norm == "で" and last.norm in ("ある", "有る"):
        return "plain"
    return ""


def run_checks(context: Context) -> Iterator[Check]:
    yield script_balance(context)
    yield comma_frequency(context)
    yield style_mixing(context)
    yield noun_runs(context)
    transitions = transition_words(context)
    if transitions is not None:
        yield transitions


def script_balance(context: Context) -> Check:
    limits = context.limits
    # Judged as the message shows the shares, in whole percent.
    measured = script_shares(context.document.masked)
    shares = {script: round(share) for script, share in measured.items()}
    values = {
        "kanji": shares["kanji"],
        "katakana": shares["katakana"],
        "hiragana": shares["hiragana"],
        "kanji_min": round(limits.kanji_good_min),
        "kanji_max": round(limits.kanji_good_max),
        "katakana_max": round(limits.katakana_good_max),
    }
    if shares["kanji"] > limits.kanji_improve_max:
        dense = [
            (sentence.start, sentence.end) for sentence in context.document.sentences
            if script_shares(context.document.text_of(sentence))["kanji"] > limits.kanji_improve_max
        ]
        return _check(
            "script_balance", PROBLEM,
            _(
                "Kanji make up %(kanji)d %% of the text (hiragana %(hiragana)d %%, katakana "
                "%(katakana)d %%). Write more words in hiragana to bring kanji to "
                "%(kanji_min)d–%(kanji_max)d %%."
            ) % values, dense,
        )
    if shares["kanji"] > limits.kanji_good_max:
        status, message = IMPROVE, _(
            "Kanji make up %(kanji)d %% of the text. Write some words in hiragana to bring it "
            "under %(kanji_max)d %%."
        )
    elif shares["kanji"] < limits.kanji_good_min:
        status, message = IMPROVE, _(
            "Kanji make up only %(kanji)d %% of the text, which makes it hard to scan. Use kanji "
            "for key words to reach %(kanji_min)d–%(kanji_max)d %%."
        )
    elif shares["katakana"] > limits.katakana_good_max:
        status, message = IMPROVE, _(
            "Katakana make up %(katakana)d %% of the text. Replace some loanwords with "
            "Japanese words to bring it under %(katakana_max)d %%."
        )
    else:
        status, message = GOOD, _(
            "Kanji %(kanji)d %%, hiragana %(hiragana)d %%, katakana %(katakana)d %%: a "
            "balanced mix."
        )
    return _check("script_balance", status, message % values)


def comma_frequency(context: Context) -> Check:
    limits = context.limits
    sentences = context.document.sentences
    flagged = []
    for sentence in sentences:
        text = context.document.text_of(sentence)
        commas = text.count("、") + text.count("，")
        if commas > limits.comma_max_per_sentence or (
            commas == 0 and context.length(text) >= limits.comma_needed_from
        ):
            flagged.append(sentence)
    share = round(100 * len(flagged) / len(sentences))
    values = {
        "share": share,
        "needed_from": limits.comma_needed_from,
        "maximum": limits.comma_max_per_sentence,
    }
    status = share_status(share, limits.comma_flagged_good_max, limits.comma_flagged_improve_max)
    spans = [(sentence.start, sentence.end) for sentence in flagged]
    if status == GOOD:
        return _check(
            "comma_frequency", GOOD, _("The sentences use 読点 (、) at a readable rate."), spans
        )
    return _check(
        "comma_frequency", status,
        _(
            "%(share)d %% of the sentences have no 読点 (、) in %(needed_from)d or more "
            "characters, or more than %(maximum)d of them. Add or remove 読点 in the "
            "highlighted sentences."
        ) % values, spans,
    )


def style_mixing(context: Context) -> Check:
    limits = context.limits
    styles: dict[str, list[Span]] = {"polite": [], "plain": []}
    for sentence in context.document.sentences:
        style = sentence_style(sentence_tokens(context, sentence))
        if style:
            styles[style].append(sentence)
    polite, plain = styles["polite"], styles["plain"]
    if not polite or not plain:
        return _check("style_mixing", GOOD, _("The text keeps to one style (です/ます or だ/である)."))
    if len(polite) >= len(plain):
        minority, majority_name = plain, _("です/ます")
    else:
        minority, majority_name = polite, _("だ/である")
    share = 100 * len(minority) / (len(polite) + len(plain))
    status = IMPROVE if share <= limits.style_minority_improve_max else PROBLEM
    return _check(
        "style_mixing", status,
        ngettext(
            "The text mixes です/ます and だ/である styles: %(count)d sentence differs from the "
            "rest. Rewrite the highlighted sentence in the %(style)s style.",
            "The text mixes です/ます and だ/である styles: %(count)d sentences differ from the "
            "rest. Rewrite the highlighted sentences in the %(style)s style.",
            len(minority),
        ) % {"count": len(minority), "style": majority_name},
        [(sentence.start, sentence.end) for sentence in minority],
    )


def noun_runs(context: Context) -> Check:
    """Find runs of nouns (with prefixes and suffixes) that readers must parse in one go."""
    limits = context.limits
    runs: list[tuple[int, int]] = []
    run: list[Token] = []

    def close() -> None:
        nouns = [token for token in run if token.pos[0] == "名詞" and token.pos[1] != "数詞"]
        if len(nouns) >= limits.noun_run_min:
            runs.append((run[0].start, run[-1].end))

    previous_end = None
    for token in context.body.tokens:
        adjacent = previous_end is not None and token.start == previous_end
        if token.pos and token.pos[0] in _NOUN_POS and (adjacent or not run):
            run.append(token)
        else:
            close()
            run = [token] if token.pos and token.pos[0] in _NOUN_POS else []
        previous_end = token.end
    close()
    values = {"count": len(runs), "minimum": limits.noun_run_min}
    if not runs:
        return _check("noun_runs", GOOD, _("No long runs of nouns."))
    status = IMPROVE if len(runs) <= limits.noun_runs_improve_max else PROBLEM
    return _check(
        "noun_runs", status,
        ngettext(
            "In %(count)d place, %(minimum)d or more nouns follow one another. Break the run "
            "up with particles (の, を, に) or rephrase it.",
            "In %(count)d places, %(minimum)d or more nouns follow one another. Break the runs "
            "up with particles (の, を, に) or rephrase them.",
            len(runs),
        ) % values, runs,
    )


def has_transition(context: Context, sentence: Span) -> bool:
    text = context.document.text_of(sentence).lstrip("「『（( 　")
    if text.startswith(TRANSITION_OPENERS):
        return True
    return any(token.pos and token.pos[0] == "接続詞" for token in sentence_tokens(context, sentence))


def transition_words(context: Context) -> Check | None:
    limits = context.limits
    if context.text_length < limits.transition_from_length:
        return None
    sentences = context.document.sentences
    linked = [sentence for sentence in sentences if has_transition(context, sentence)]
    share = round(100 * len(linked) / len(sentences))
    values = {"share": share, "minimum": round(limits.transition_good_min)}
    if share >= limits.transition_good_min:
        return _check(
            "transition_words", GOOD,
            _("%(share)d %% of the sentences use a connective such as しかし or 例えば.") % values,
        )
    status = IMPROVE if share >= limits.transition_improve_min else PROBLEM
    return _check(
        "transition_words", status,
        _(
            "Only %(share)d %% of the sentences use a connective such as しかし, そのため or "
            "例えば. Use them in at least %(minimum)d %% of the sentences to show how ideas connect."
        ) % values,
    )
