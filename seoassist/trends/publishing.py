"""The publishing advice shown next to a keyword forecast with a yearly peak."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _


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

    `points` are the stored forecast points, whose ISO `date` starts each period. The advised
    day is today when the advice is to publish now, else the advised `publish_by`. The marker
    sits on the period that contains that day, and a day before the first forecast period
    gets the first period. Returns {"date": ISO period start, "day": ISO advised day,
    "now": bool}, with "date" None when the day comes after the last forecast period, so no
    point of the chart stands for it. Returns None without a publishing date or forecast.
    """
    if publish_by is None or not points:
        return None
    advice = publish_advice(publish_by, peak_date, today)
    day = today if advice.now else advice.publish_by
    dates = [datetime.date.fromisoformat(point["date"]) for point in points]
    marker_date = None
    if day < _forecast_end(dates):
        marker_date = max((date for date in dates if date <= day), default=dates[0]).isoformat()
    return {"date": marker_date, "day": day.isoformat(), "now": advice.now}


def chart_publish_marker(
    points: list[dict], publish_by: datetime.date | None, peak_date: datetime.date | None,
    today: datetime.date,
) -> dict | None:
    """Extend publish_marker() with the advised day in the active language's date format.

    `day_label` is that date, for the marker's tooltip. `note` is empty while the marker is
    on the chart, and otherwise states that the advised day lies after the forecast shown.
    """
    marker = publish_marker(points, publish_by, peak_date, today)
    if marker is None:
        return None
    day_label = date_format(datetime.date.fromisoformat(marker["day"]), "DATE_FORMAT")
    note = ""
    if marker["date"] is None:
        if marker["now"]:
            note = _("Today, %(date)s, is after the forecast shown.") % {"date": day_label}
        else:
            note = _("The suggested publishing date, %(date)s, is after the forecast shown.") % {"date": day_label}
    return {**marker, "day_label": day_label, "note": note}


def _forecast_end(dates: list[datetime.date]) -> datetime.date:
    """Return the day after the last forecast period, taking it as long as the one before it."""
    if len(dates) < 2:
        # NOTE: a single point has no known period length, so the forecast ends with its date.
        return dates[-1] + datetime.timedelta(days=1)
    return dates[-1] + (dates[-1] - dates[-2])
