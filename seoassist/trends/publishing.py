"""The publishing advice shown next to a keyword forecast with a yearly peak."""

from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class PublishAdvice:
    publish_by: datetime.date
    peak_date: datetime.date | None
    # True when the publishing date is today or already past, so the page shows "publish now".
    now: bool


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def publish_advice(
    publish_by: datetime.date, peak_date: datetime.date | None, today: datetime.date
) -> PublishAdvice:
    """Move stored forecast dates to the coming season and tell whether to publish now.

    The forecast dates count from the last imported period, so they go stale once
    that period lies far behind. A peak that has passed recurs a year later (the
    peaks come from yearly seasons), so both dates move by whole years until the
    peak is today or later.
    """
    if peak_date is not None and peak_date < today:
        years = today.year - peak_date.year
        if _add_years(peak_date, years) < today:
            years += 1
        peak_date = _add_years(peak_date, years)
        publish_by = _add_years(publish_by, years)
    return PublishAdvice(publish_by=publish_by, peak_date=peak_date, now=publish_by <= today)
