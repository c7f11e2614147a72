"""Units of model time, defined once. Model time is in minutes from the start of a run (Mesa's
clock ticks in hours: `simulation.model`)."""

MINUTES_PER_HOUR = 60.0
MINUTES_PER_DAY = 1440.0
HOURS_PER_YEAR = 8760.0  # 365 days
