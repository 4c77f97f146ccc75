# Swiss German (de-CH): numbers grouped by a narrow space (1 250), as in French and Italian and in
# the charts, never Germany's 1.250, which a Swiss reader takes for one and a quarter (CHF 1.25).
# Dates stay Django's German ones (17.03.2026).
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\u202f"
NUMBER_GROUPING = 3
# A day with its weekday (core/days.py): Donnerstag, 10. Dezember 2026.
WEEKDAY_DATE_FORMAT = "l, j. F Y"
