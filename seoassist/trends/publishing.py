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


def publish_marker(
    points: list[dict], publish_by: datetime.date | None, peak_date: datetime.date | None,
    today: datetime.date,
) -> dict | None:
    """Place the chart's publishing marker on a forecast date, consistent with the advice text.

    `points` are the stored forecast points, whose ISO `date` starts each period. The marker
    sits on the period that contains the advised day: today when the advice is to publish
    now, else the advised `publish_by`. A day before the first forecast period gets the first
    period. Returns {"date": ISO date, "now": bool}, or None without a publishing date or when
    the day comes after the last forecast period, so no point of the chart stands for it.
    """
    if publish_by is None or not points:
        return None
    advice = publish_advice(publish_by, peak_date, today)
    day = today if advice.now else advice.publish_by
    dates = [datetime.date.fromisoformat(point["date"]) for point in points]
    if day >= _forecast_end(dates):
        return None
    marker_date = max((date for date in dates if date <= day), default=dates[0])
    return {"date": marker_date.isoformat(), "now": advice.now}


def _forecast_end(dates: list[datetime.date]) -> datetime.date:
    """Return the day after the last forecast period, taking it as long as the one before it."""
    if len(dates) < 2:
        # NOTE: a single point has no known period length, so the forecast ends with its date.
        return dates[-1] + datetime.timedelta(days=1)
    return dates[-1] + (dates[-1] - dates[-2])
