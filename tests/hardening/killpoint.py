"""Run an `okrs` command that stops, deterministically, in the middle of its work: waiting to be
killed. Used by the SIGKILL tests as a subprocess:

    python tests/hardening/killpoint.py MARKER TARGET CALL -- okrs-arguments...

TARGET is `module:function` or `module:Class.method`. Its CALL-th call runs to its end (so its
writes reach the database, inside whatever transaction is open), then MARKER is created and the
process sleeps until it is killed. Nothing in okrs knows about this: the function is wrapped
here, before the command runs.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def pause_at(target: str, call: int, marker: Path) -> None:
    module_name, _, attribute = target.partition(":")
    owner: Any = importlib.import_module(module_name)
    *path, name = attribute.split(".")
    for part in path:
        owner = getattr(owner, part)
    original = getattr(owner, name)
    calls = 0

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        result = original(*args, **kwargs)
        calls += 1
        if calls == call:
            marker.write_text(f"paused after call {call} of {target}\n")
            while True:  # until SIGKILL
                time.sleep(60)
        return result

    setattr(owner, name, wrapper)


def main(argv: list[str]) -> None:
    marker, target, call, separator, *command = argv
    assert separator == "--", "usage: killpoint.py MARKER TARGET CALL -- okrs-arguments..."
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "okrs.settings")
    import django

    django.setup()
    pause_at(target, int(call), Path(marker))
    from django.core.management import execute_from_command_line

    execute_from_command_line(["okrs", *command])
    sys.exit(f"the command ended before call {call} of {target}")


if __name__ == "__main__":
    main(sys.argv[1:])
