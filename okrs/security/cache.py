"""The shared store of the rate limits: Django's database cache, with an atomic increment.

Django's `DatabaseCache.incr` reads then writes, so two workers counting at once may both write
the same number and let a request through uncounted. Here the read and the write are one
transaction that holds the row: PostgreSQL locks it (`SELECT … FOR UPDATE`), SQLite's immediate
transactions (okrs.config) let one writer in at a time. Redis, when configured
(OKRS_CACHE_URL=redis://…), increments atomically itself.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction


class AtomicDatabaseCache(DatabaseCache):
    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        with transaction.atomic(using=db):
            if connection.features.has_select_for_update:
                table = connection.ops.quote_name(self._table)
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT cache_key FROM {table} WHERE cache_key = %s FOR UPDATE",
                        [self.make_and_validate_key(key, version=version)],
                    )
            return super().incr(key, delta, version)
