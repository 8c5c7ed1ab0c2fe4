"""Notes beside a language-model version on the Models page: what serves and why."""

from dataclasses import dataclass

from django.utils.translation import gettext as _, pgettext

from seoassist.engine.models import ModelVersion

# Mixture scores that training records together, all on the second half of the held-out articles.
MIXTURE_KEYS = (
    "mixture_bits_per_char",
    "mixture_lstm_bits_per_char",
    "mixture_ngram_bits_per_char",
)


@dataclass(frozen=True)
class VersionNote:
    """One line of text beside a model version, shown in the warning colour when `warning`."""

    text: str
    warning: bool = False


def language_model_notes(version: ModelVersion, *, writes_drafts: bool) -> list[VersionNote]:
    """Describe a language-model version's activation, the model that writes drafts and its mixture.

    `writes_drafts` is True for the version that drafting loads: the active one, else the
    newest, whose n-gram baseline then writes the drafts.
    """
    cell = version.cell_name
    notes = []
    if not version.beats_baseline:
        if version.is_active:
            text = _("The %(cell)s does not beat the n-gram baseline but was activated by hand.")
        else:
            text = _(
                "The %(cell)s does not beat the n-gram baseline, so this version is not activated."
            )
        notes.append(VersionNote(text % {"cell": cell}, warning=True))
    if writes_drafts:
        if version.serves_mixture:
            text = _("The %(cell)s mixed with its n-gram baseline writes the drafts now.")
        elif version.is_active:
            text = _("The %(cell)s writes the drafts now.")
        else:
            text = _("Its n-gram baseline writes the drafts now.")
        notes.append(VersionNote(text % {"cell": cell}))
    other_cell = _other_cell_note(version)
    if other_cell:
        notes.append(VersionNote(other_cell))
    mixture = _mixture_note(version)
    if mixture:
        notes.append(VersionNote(mixture))
    return notes


def _other_cell_note(version: ModelVersion) -> str:
    """Compare the version's cell with the other cell that trained beside it on the same split."""
    other = (version.metrics or {}).get("other_cell") or {}
    if other.get("val_bits_per_char") is None or not other.get("cell"):
        return ""
    return _(
        "The %(other)s trained on the same articles scored %(other_bits).2f bits per character, "
        "so this version keeps the %(cell)s."
    ) % {
        "other": str(other["cell"]).upper(),
        "other_bits": other["val_bits_per_char"],
        "cell": version.cell_name,
    }


def _mixture_note(version: ModelVersion) -> str:
    """Describe the held-out score of the cell mixed with its n-gram, and whether drafts use it.

    The mixing weight is fitted on the first half of the held-out articles and every mixture
    figure is measured on the second half, so its n-gram figure differs from the headline's.
    """
    metrics = version.metrics or {}
    if any(metrics.get(key) is None for key in MIXTURE_KEYS):
        return ""
    values = {
        "cell": version.cell_name,
        "mixture": metrics["mixture_bits_per_char"],
        "model": metrics["mixture_lstm_bits_per_char"],
        "ngram": metrics["mixture_ngram_bits_per_char"],
    }
    if version.serves_mixture:
        return _(
            "Mixed with the n-gram: %(mixture).2f bits per character (%(cell)s %(model).2f, "
            "n-gram %(ngram).2f on the second half of the held-out articles)."
        ) % values
    measured = _(
        "Measured only, not used for drafts: mixed with the n-gram, %(mixture).2f bits per "
        "character (%(cell)s %(model).2f, n-gram %(ngram).2f on the second half of the held-out "
        "articles)."
    ) % values
    if version.is_active:
        reason = _("A mixture serves only when it beats both models on those articles.")
    elif not version.beats_baseline:
        reason = _("A mixture can serve only after the %(cell)s alone beats the baseline.") % values
    else:
        return measured
    # Japanese sets sentences side by side without a space, so the joint is translated too.
    return pgettext("two sentences in a row", "%(first)s %(second)s") % {"first": measured, "second": reason}
