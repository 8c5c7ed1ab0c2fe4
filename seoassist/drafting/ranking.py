"""Rank generated title and meta description candidates by SEO checks and model likelihood.

Each candidate gets the points of the analysis checks that judge it alone: 9 for
good, 6 for improve and 3 for a problem, as in the analysis panel. It gets up to
`LIKELIHOOD_POINTS` more for its place in the language model's likelihood order,
all of them for the likeliest candidate and none for the least likely. A status step is
3 points, more than the likelihood can add. A candidate that passes more checks (a title
within the result page's width, a meta description within its length limit) therefore
always ranks first, and the likelihood orders candidates whose checks agree.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from seoassist.analysis import seo
from seoassist.analysis.engine import Check, Context, DraftText
from seoassist.analysis.serp import text_width
from seoassist.analysis.thresholds import SERP_TITLE_FONT_PX, STATUS_SCORES

LIKELIHOOD_POINTS = 2.0


@dataclass(frozen=True)
class RankedCandidate:
    """A candidate text with the checks, measures and likelihood that set its place."""

    text: str
    # Mean natural-log probability per token under the model; None when unknown.
    log_likelihood: float | None
    likelihood_rank: int | None  # 1 for the likeliest candidate
    checks: dict[str, str]  # check id -> "good", "improve" or "problem"
    # Title width in pixels at the result page's title font, or meta description
    # length in characters.
    measure: int
    score: float

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def title_candidates_rank(
    *, candidates: Sequence[tuple[str, float | None]], keyphrase: str, language: str
) -> list[RankedCandidate]:
    """Rank titles by the keyphrase_in_title and title_width checks and by likelihood, best first."""

    def judge(text: str) -> tuple[list[Check], int]:
        context = Context(DraftText(title=text, keyphrase=keyphrase, language=language))
        checks = [seo.title_width(context)]
        if not context.keyphrase.is_empty:
            checks.insert(0, seo.keyphrase_in_title(context))
        width = round(text_width(" ".join(text.split()), SERP_TITLE_FONT_PX))
        return checks, width

    return _rank(candidates, judge)


def meta_description_candidates_rank(
    *, candidates: Sequence[tuple[str, float | None]], keyphrase: str, language: str
) -> list[RankedCandidate]:
    """Rank meta descriptions by the keyphrase and length checks and by likelihood, best first."""

    def judge(text: str) -> tuple[list[Check], int]:
        context = Context(DraftText(meta_description=text, keyphrase=keyphrase, language=language))
        checks = [seo.meta_description_length(context)]
        if not context.keyphrase.is_empty:
            checks.insert(0, seo.keyphrase_in_meta_description(context))
        return checks, len(" ".join(text.split()))

    return _rank(candidates, judge)


def _rank(candidates, judge) -> list[RankedCandidate]:
    likelihood_ranks = _likelihood_ranks([log_likelihood for _, log_likelihood in candidates])
    known = [rank for rank in likelihood_ranks if rank is not None]
    worst_rank = max(known, default=1)
    ranked = []
    for (text, log_likelihood), likelihood_rank in zip(candidates, likelihood_ranks, strict=True):
        checks, measure = judge(text)
        score = float(sum(STATUS_SCORES[check.status] for check in checks))
        if likelihood_rank is not None and worst_rank > 1:
            score += LIKELIHOOD_POINTS * (worst_rank - likelihood_rank) / (worst_rank - 1)
        ranked.append(
            RankedCandidate(
                text=text,
                log_likelihood=log_likelihood,
                likelihood_rank=likelihood_rank,
                checks={check.id: check.status for check in checks},
                measure=measure,
                score=round(score, 3),
            )
        )
    # Ties keep the likelihood order, then the given order.
    order = sorted(
        range(len(ranked)),
        key=lambda index: (-ranked[index].score, ranked[index].likelihood_rank or len(ranked) + 1, index),
    )
    return [ranked[index] for index in order]


def _likelihood_ranks(log_likelihoods: Sequence[float | None]) -> list[int | None]:
    """Return each candidate's 1-based place by log-likelihood, highest first; None stays None."""
    known = sorted(
        (index for index, value in enumerate(log_likelihoods) if value is not None),
        key=lambda index: (-log_likelihoods[index], index),
    )
    ranks: list[int | None] = [None] * len(log_likelihoods)
    for place, index in enumerate(known, start=1):
        ranks[index] = place
    return ranks
