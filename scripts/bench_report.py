"""Markdown tables, scales side by side, from `okrs bench run --save` JSON reports.

    .venv/bin/python scripts/bench_report.py OUT/postgresql-small.json OUT/postgresql-medium.json

Each file is one column group (named after the file); rows are pages, writes, imports, measures.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(paths: list[str]) -> None:
    reports = [(Path(p).stem, json.loads(Path(p).read_text())) for p in paths]
    names = [n for n, _ in reports]
    print("| page / API read (who) | " + " | ".join(
        f"{n} queries | {n} p50 / p95 ms (× floor) | {n} CPU p50 ms (× floor)" for n in names
    ) + " |")  # fmt: skip
    print("|---|" + "---|---|---|" * len(names))
    floor_cells = []
    for _, r in reports:
        f = r["floor"]
        cpu = f.get("cpu_p50_ms", 0.0)
        floor_cells.append(f" | {f['p50_ms']:.1f} / {f['p95_ms']:.1f} | {cpu:.1f}")
    print("| trivial view (floor) |" + " |".join(" –" + c for c in floor_cells) + " |")
    keys = [(t["name"], t["who"]) for t in reports[0][1]["pages"]]
    for name, who in keys:
        cells = []
        for _, r in reports:
            t = next((x for x in r["pages"] if (x["name"], x["who"]) == (name, who)), None)
            if t is None:
                cells.append(" | | ")
                continue
            miss = "" if t["target_ms"] is None or t["p95_ms"] <= t["target_ms"] else " **miss**"
            cells.append(
                f" {t['queries']} | {t['p50_ms']:.0f} / {t['p95_ms']:.0f} ({t['ratio']:.0f}×){miss}"
                f" | {t.get('cpu_p50_ms', 0):.1f} ({t.get('cpu_ratio', 0):.0f}×)"
            )
        print(f"| {name} ({who}) |" + " |".join(cells) + " |")
    print()
    print("| rows/s (× floor) | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    rate_names = ["check-in writes", "import activities", "import responses"]
    for rn in rate_names:
        cells = []
        for _, r in reports:
            rates = ([r["writes"]] if r.get("writes") else []) + r.get("imports", [])
            x = next((y for y in rates if y["name"] == rn), None)
            cells.append(
                ""
                if x is None
                else f"{x['per_second']:,.0f} vs {x['floor_per_second']:,.0f} ({x['ratio']:.2f}×)"
                + (
                    f", {x['threads']} writers, {x['errors']} errors"
                    if rn.startswith("check")
                    else ""
                )
                + (f", {x['rows']:,} rows" if rn.startswith("import") else "")
            )
        print(f"| {rn} | " + " | ".join(cells) + " |")
    print()
    print("| measure: ORM ms vs SQL floor ms (×) | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    kinds = ["nps", "activity_share", "activity_count", "cohort_fact_share", "distinct_people"]
    for kind in kinds:
        cells = []
        for _, r in reports:
            m = next((y for y in r.get("measures", []) if y["kind"] == kind), None)
            cells.append(
                ""
                if m is None
                else f"{m['p50_ms']:.1f} vs {m['floor_p50_ms']:.1f} ({m['ratio']:.2f}×)"
                + ("" if m["same_value"] else " values differ")
            )
        print(f"| {kind} | " + " | ".join(cells) + " |")
    print()
    for n, r in reports:
        sizes = ", ".join(f"{k} {v:,}" for k, v in r["scale"].items())
        print(f"- **{n}**: {sizes}; {r['load']}")


if __name__ == "__main__":
    main(sys.argv[1:])
