"""Time series container, calendar arithmetic and calendar features."""

from __future__ import annotations

import calendar
import datetime
import decimal
import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np

Frequency = Literal["D", "W", "M"]
FREQUENCIES: tuple[str, ...] = get_args(Frequency)

# Seasonal period per frequency: a week of days, a year of weeks, a year of months.
SEASONAL_PERIODS: dict[str, int] = {"D": 7, "W": 52, "M": 12}

# Number of calendar features per time step (see calendar_features).
CALENDAR_FEATURE_COUNT = 4


@dataclass(frozen=True)
class Series:
    """Observed values of one keyword, dated and sorted by time.

    Weekly series are dated by any fixed weekday (Google Trends uses Sunday), monthly
    series by any fixed day of the month. Gaps in the dates are not detected.
    """

    dates: list[datetime.date]
    values: list[float]
    frequency: Frequency

    def __post_init__(self) -> None:
        if self.frequency not in FREQUENCIES:
            raise ValueError(
                f"frequency must be one of {', '.join(FREQUENCIES)}, got {self.frequency!r}."
            )
        if len(self.dates) != len(self.values):
            raise ValueError(
                f"dates and values must have the same length, got {len(self.dates)} dates "
                f"and {len(self.values)} values."
            )
        if len(self.values) == 0:
            raise ValueError("values must contain at least 1 point, got an empty series.")
        # Type errors raise ValueError too, so callers catch one exception for any invalid series.
        for index, date in enumerate(self.dates):
            # datetime.datetime is a subclass of date but mixes badly in comparisons.
            if not isinstance(date, datetime.date) or isinstance(date, datetime.datetime):
                raise ValueError(  # noqa: TRY004
                    f"dates[{index}] must be a datetime.date, got {date!r}. "
                    "Convert timestamps with .date()."
                )
        for index in range(1, len(self.dates)):
            if self.dates[index] <= self.dates[index - 1]:
                raise ValueError(
                    f"dates must be strictly increasing, but dates[{index}]={self.dates[index]} "
                    f"follows dates[{index - 1}]={self.dates[index - 1]}. Sort the series and "
                    "remove duplicate dates."
                )
        converted: list[float] = []
        for index, value in enumerate(self.values):
            if isinstance(value, bool) or not isinstance(value, (numbers.Real, decimal.Decimal)):
                raise ValueError(f"values[{index}] must be a number, got {value!r}.")  # noqa: TRY004
            number = float(value)
            if not math.isfinite(number):
                raise ValueError(
                    f"values[{index}] must be finite, got {value!r}. Drop or fill missing points."
                )
            converted.append(number)
        # Store private copies so that later changes to the caller's lists cannot
        # unsort or corrupt a validated series. Decimal and NumPy values become float.
        object.__setattr__(self, "dates", list(self.dates))
        object.__setattr__(self, "values", converted)

    def __len__(self) -> int:
        return len(self.values)

    @property
    def season(self) -> int:
        """Seasonal period of the series' frequency."""
        return SEASONAL_PERIODS[self.frequency]

    def to_array(self) -> np.ndarray:
        """Return the values as a float64 array of shape (T,)."""
        return np.asarray(self.values, dtype=np.float64)

    def head(self, length: int) -> Series:
        """Return the first `length` points as a new series."""
        return Series(self.dates[:length], self.values[:length], self.frequency)


def seasonal_period(frequency: str) -> int:
    """Return the seasonal period for a frequency: 7 daily, 52 weekly, 12 monthly."""
    if frequency not in SEASONAL_PERIODS:
        raise ValueError(f"frequency must be one of {', '.join(FREQUENCIES)}, got {frequency!r}.")
    return SEASONAL_PERIODS[frequency]


def add_months(date: datetime.date, months: int) -> datetime.date:
    """Shift a date by whole months, clamping the day to the end of the target month."""
    month_index = date.year * 12 + (date.month - 1) + months
    year, month = divmod(month_index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(date.day, last_day))


def future_dates(last_date: datetime.date, frequency: str, count: int) -> list[datetime.date]:
    """Return the `count` dates that follow `last_date` at the given frequency.

    Monthly dates keep the day of `last_date` and clamp it to shorter months, so
    2024-01-31 continues as 2024-02-29, 2024-03-31, 2024-04-30.
    """
    if frequency == "D":
        return [last_date + datetime.timedelta(days=step) for step in range(1, count + 1)]
    if frequency == "W":
        return [last_date + datetime.timedelta(weeks=step) for step in range(1, count + 1)]
    if frequency == "M":
        return [add_months(last_date, step) for step in range(1, count + 1)]
    raise ValueError(f"frequency must be one of {', '.join(FREQUENCIES)}, got {frequency!r}.")


def calendar_features(dates: Sequence[datetime.date]) -> np.ndarray:
    """Encode dates as sin/cos of the position in the year and in the week.

    Returns
    -------
    np.ndarray
        Shape (T, 4), float32: sin and cos of the day of the year over 365.25 days
        (week of year for weekly data, month for monthly data), then sin and cos of
        the weekday (constant for weekly and monthly data).
    """
    day_of_year = np.array([date.timetuple().tm_yday - 1 for date in dates], dtype=np.float64)
    weekday = np.array([date.weekday() for date in dates], dtype=np.float64)
    year_angle = 2.0 * math.pi * day_of_year / 365.25
    week_angle = 2.0 * math.pi * weekday / 7.0
    features = np.stack(
        [np.sin(year_angle), np.cos(year_angle), np.sin(week_angle), np.cos(week_angle)], axis=1
    )
    return features.astype(np.float32).reshape(len(dates), CALENDAR_FEATURE_COUNT)
