"""How a server process of okrs runs Python: the garbage collector tuned for request work.

A page of the period (the overview, the review, the map) allocates a few hundred thousand small
objects. With CPython's default thresholds (700, 10, 10) that triggers full collections, each
scanning every object the process holds (Django, the URL resolver, templates, caches), during
requests: measured on the large benchmark, they put 50 to 70 ms on the slowest twentieth of
those pages. After the application is loaded, `tune_gc` moves what exists to the permanent
generation (`gc.freeze`, never scanned again) and collects the young generation less often.
Reference counting still frees nearly everything; only cycles wait a little longer.

`OKRS_GC_TUNING=0` leaves the collector as it is.
"""

from __future__ import annotations

import gc
import os

THRESHOLDS = (50_000, 20, 50)


def tune_gc() -> bool:
    """Freeze what the process holds and raise the thresholds; False when switched off."""
    if os.environ.get("OKRS_GC_TUNING", "1").strip().lower() in ("0", "false", "no", "off"):
        return False
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    return True
