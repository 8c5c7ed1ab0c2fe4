"""Seasonal peaks ahead of a series and the date to publish before them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np

from lstm_engine.forecast.series import Series, future_dates

# Only yearly seasons give a peak worth planning an article for, because a weekly cycle of
# days repeats faster than a page gets written and indexed.
YEARLY_FREQUENCIES = ("W", "M")
# The peak of the average seasonal profile must exceed its mean by this factor.
MIN_PEAK_RATIO = 1.2
# At most this many recent seasons form the profile.
PROFILE_SEASONS = 3
# Periods between publishing and the peak, so that search engines index the page first.
DEFAULT_LEAD = {"W": 4, "M": 2}


@dataclass(frozen=True)
class SeasonalPeak:
    peak_date: datetime.date
    publish_by: datetime.date
    ratio: float  # peak of the profile over its mean


def next_seasonal_peak(series: Series, lead: int | None = None) -> SeasonalPeak | None:
    """Return the next recurring yearly peak after the series' end, or None.

    The profile is the mean value at each position of the season over the last (up to
    three) full seasons. A peak needs at least two seasons of history and must lie
    MIN_PEAK_RATIO above the profile's mean. `publish_by` is `lead` periods before the
    peak, but never before the first period after the series.
    """
    if series.frequency not in YEARLY_FREQUENCIES:
        return None
    season = series.season
    values = series.to_array()
    if values.size < 2 * season:
        return None
    seasons = min(PROFILE_SEASONS, values.size // season)
    recent = values[-seasons * season :].reshape(seasons, season)
    profile = recent.mean(axis=0)  # position 0 is `seasons * season` periods before the end
    mean = float(profile.mean())
    if mean <= 0.0:
        return None
    position = int(np.argmax(profile))
    ratio = float(profile[position]) / mean
    if ratio < MIN_PEAK_RATIO:
        return None
    # The last observation sits at position season - 1, so the next period is position 0.
    steps = position + 1
    lead_periods = DEFAULT_LEAD[series.frequency] if lead is None else lead
    dates = future_dates(series.dates[-1], series.frequency, steps)
    peak_date = dates[-1]
    publish_index = max(steps - 1 - lead_periods, 0)
    return SeasonalPeak(peak_date=peak_date, publish_by=dates[publish_index], ratio=ratio)
