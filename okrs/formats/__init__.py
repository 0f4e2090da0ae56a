"""Date formats by language, over Django's own (``FORMAT_MODULE_PATH``). Templates name formats
(``DATE_FORMAT``, ``DATETIME_FORMAT``, ``MONTH_DAY_FORMAT``), never patterns, so each reader sees
dates as their language writes them; Spanish, French and Portuguese keep Django's."""
