"""Display labels for the scorer that wrote a draft or a section (``generation["served_by"]``)."""
from django.utils.translation import gettext as _

# The served_by value of text that the n-gram baseline wrote because the site's
# language model did not beat it.
NGRAM_BASELINE = "ngram_baseline"
MIXTURE_SUFFIX = "+ngram"


def written_by_label(served_by: str, version_number: int | None) -> str:
    """Return "written by …" for a served_by value and model version, or "" when unknown.

    ``served_by`` is "ngram_baseline", a cell name ("lstm", "gru") or a cell mixed with
    its n-gram ("lstm+ngram"), as the drafting service stores it.
    """
    number = "" if version_number is None else version_number
    if not served_by:
        return ""
    if served_by == NGRAM_BASELINE:
        return _("written by the n-gram baseline of v%(number)s") % {"number": number}
    if served_by.endswith(MIXTURE_SUFFIX):
        cell = served_by.removesuffix(MIXTURE_SUFFIX).upper()
        return _(
            "written by the %(cell)s language model mixed with its n-gram, v%(number)s"
        ) % {"cell": cell, "number": number}
    return _("written by the %(cell)s language model v%(number)s") % {
        "cell": served_by.upper(), "number": number,
    }
