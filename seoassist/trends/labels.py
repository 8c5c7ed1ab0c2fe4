from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Names of the forecasting methods as editors see them beside a chart.
METHOD_LABELS = {
    "lstm": _("LSTM forecaster"),
    "seasonal_naive": _("seasonal naive (same period last year)"),
    "naive": _("naive (last value)"),
    "ets": _("exponential smoothing (ETS)"),
    "theta": _("Theta"),
    "arima": _("ARIMA"),
}


# Names of the directions of a forecast's change, as the keyword and request pages show
# them. "unknown" is the direction of a keyword without interest data.
DIRECTION_LABELS = {
    "rising": _("rising"),
    "falling": _("falling"),
    "flat": _("flat"),
    "unknown": _("no data"),
}


def method_label(method: str) -> str:
    """Return the translated name of a forecasting method, or the code when unknown."""
    return str(METHOD_LABELS.get(method, method))


def direction_label(direction: str) -> str:
    """Return the translated name of a forecast direction, or the code when unknown."""
    return str(DIRECTION_LABELS.get(direction, direction))


def chart_labels() -> dict[str, str]:
    """Return the dataset names that forecast-chart.js shows, in the active language.

    The keyword page and the request page share them, so both charts use the same terms.
    """
    return {
        "history": gettext("Interest"),
        "forecast": gettext("Forecast (median, P50)"),
        "band_low": gettext("80 % band, low end (P10)"),
        "band_high": gettext("80 % band, high end (P90)"),
        "publish_by": gettext("Publish by"),
        "publish_now": gettext("Publish now"),
    }
