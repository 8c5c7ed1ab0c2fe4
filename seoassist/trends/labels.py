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


def method_label(method: str) -> str:
    """Return the translated name of a forecasting method, or the code when unknown."""
    return str(METHOD_LABELS.get(method, method))
