# Dates with the time zone, so editors in other zones read them right.
SHORT_DATETIME_FORMAT = "Y-m-d H:i T"
