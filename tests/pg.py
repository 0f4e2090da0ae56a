"""PostgreSQL helpers shared by the tests that act on the server from a second connection."""

from __future__ import annotations

import psycopg
from django.db import connection


def admin_dsn() -> str:
    """A DSN for the test server's `postgres` database, with the test settings' credentials."""
    settings_dict = connection.settings_dict
    dsn = (
        f"host={settings_dict['HOST']} port={settings_dict['PORT'] or 5432} "
        f"user={settings_dict['USER']} dbname=postgres"
    )
    if settings_dict.get("PASSWORD"):
        dsn += f" password={settings_dict['PASSWORD']}"
    return dsn


def terminate_backend(pid: int) -> bool:
    """`pg_terminate_backend(pid)` from another connection; whether the server signalled it."""
    with psycopg.connect(admin_dsn(), autocommit=True) as admin:
        return bool(admin.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0])
