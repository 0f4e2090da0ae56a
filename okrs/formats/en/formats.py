"""English dates as okrs has always written them: "Feb 15, 2017", "Feb 15, 2017 14:30",
"Feb 15" (Django's English defaults say "Feb. 15, 2017, 2:30 p.m.")."""

DATE_FORMAT = "M j, Y"
DATETIME_FORMAT = "M j, Y H:i"
MONTH_DAY_FORMAT = "M j"
