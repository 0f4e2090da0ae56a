"""Reads and writes go through the ORM: no module under okrs/ (migrations aside) builds SQL text
by hand, except the places listed here, each with why and the figure that needs it
(docs/performance.md has the measurements)."""

from __future__ import annotations

import ast
from pathlib import Path

import okrs

ROOT = Path(okrs.__file__).parent

HAND_BUILT = {"execute", "executemany", "raw", "extra", "cursor", "sql_with_params"}
"""Calls that run or take apart SQL text: `cursor.execute(...)`, `Model.objects.raw(...)`,
`QuerySet.extra(...)`, `connection.cursor()`, `query.sql_with_params()`."""
HAND_BUILT_NAMES = {"RawSQL"}

ALLOWED = {
    # bulk imports of 1,000,000 rows (issue #4: >= 50,000 rows/s): staging tables and COPY give
    # 73,000 to 103,400 rows/s, the ORM's bulk_create path 22,000 to 59,000 (docs/performance.md,
    # "Dataset imports at 1,000,000 rows")
    "measures/imports.py": "1,000,000-row imports by COPY and staging tables",
    # one aggregate per measure; the ORM took 1 ms to build the cohort share's query, five times
    # what the database takes on a cohort of 4,450, and 0.6 ms for distinct people (1.9 ms run)
    "measures/evaluate.py": "computed measures' aggregates over large datasets",
    # correctness, not speed: Django's DatabaseCache.incr reads then writes, and its cache table
    # has no model; the row is locked (SELECT ... FOR UPDATE) so no request goes uncounted
    "security/cache.py": "an atomic increment of the rate limits' counter",
    # the benchmark itself: the bare-INSERT floor a check-in is compared with, the database's
    # own bulk load (COPY / executemany) the generator writes millions of rows with
    "bench/run.py": "the benchmark's bare-INSERT and bulk-load floors",
    "bench/generate.py": "the benchmark's bulk generation (COPY)",
    # the kept scores' roll-up writes every objective above a check-in in one UPDATE: bulk_update's
    # CASE expressions cost 2.9 ms of a check-in's 8.8 ms of CPU, UPDATE ... FROM (VALUES) 0.3 ms
    # and the teams' kept rollups after a check-in: UPDATE ... FROM the two grouped reads the ORM
    # builds, where the ORM's own UPDATE (a correlated subquery a column) cost 44 ms of CPU to
    # build and 10 ms in PostgreSQL a check-in; built once a process, a check-in costs 0.3 to
    # 0.7 ms more than without the team rollups (docs/performance.md, fourteenth session)
    "goals/rows.py": "UPDATEs of rows a check-in computes (the roll-up's, the team parts')",
    # the alignment graph's recursive walks (WITH RECURSIVE, which the ORM cannot express): down
    # for what grades depend on; up for a check-in's roll-up, whose read composed by the ORM (a
    # query for the graph, then a UNION ALL) cost 1.3 ms of a check-in's 5.0 ms of CPU
    "goals/graph.py": "the alignment graph's recursive queries (descendants, the roll-up's read)",
}


def _hand_built(path: Path) -> list[str]:
    """Where `path` calls one of `HAND_BUILT` or `HAND_BUILT_NAMES`, as `line: call`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if (isinstance(func, ast.Attribute) and name in HAND_BUILT) or name in HAND_BUILT_NAMES:
            found.append(f"{node.lineno}: {name}()")
    return found


def test_no_module_builds_sql_text_by_hand_outside_the_listed_places() -> None:
    found = {}
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "migrations" in path.parts or relative in ALLOWED:
            continue
        if calls := _hand_built(path):
            found[relative] = calls
    assert found == {}, f"SQL built by hand (use the ORM, or list it with its figure): {found}"


def test_the_check_finds_what_it_looks_for() -> None:
    assert _hand_built(ROOT / "security" / "cache.py")  # the listed places still call it
    assert _hand_built(ROOT / "bench" / "generate.py")
