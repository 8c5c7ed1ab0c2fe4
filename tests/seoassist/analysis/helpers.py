"""Shortcuts for the analysis tests."""
from seoassist.analysis.engine import Analysis, Check, DraftText, analyze_text


def analyze(**fields) -> Analysis:
    return analyze_text(DraftText(**fields))


def check_of(analysis: Analysis, check_id: str) -> Check:
    matches = [check for check in analysis.checks if check.id == check_id]
    assert matches, f"no check {check_id!r} in {[check.id for check in analysis.checks]}"
    return matches[0]


def check_ids(analysis: Analysis) -> set[str]:
    return {check.id for check in analysis.checks}
