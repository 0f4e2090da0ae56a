"""Django's PostgreSQL backend, with one change: how timestamps are read (see `base`)."""
