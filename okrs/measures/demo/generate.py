"""Regenerate the demo CSV files (deterministic): `python okrs/measures/demo/generate.py`.

Illustrative data, invented for the demo: 75 more Reps (usernames rep01..rep75) beside the five
of the demo file, their activity reports, Discourse watching facts and feedback on the draft
Community Participation Guidelines, and a core community sentiment survey.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILE_REPS = ["juniper", "marlow", "sable", "teodor", "wren"]
DEMO_REPS = [f"rep{i:02d}" for i in range(1, 76)]
REPS = FILE_REPS + DEMO_REPS  # 80 Reps
OUTSIDERS = [f"friend{i:02d}" for i in range(1, 9)]  # not Reps: their data must not count
START = dt.date(2017, 1, 1)


def _write(name: str, header: list[str], rows: list[list[object]]) -> None:
    with (HERE / name).open("w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def people() -> None:
    rows: list[list[object]] = [[u, f"Rep {u[3:]} (illustrative)", "reps"] for u in DEMO_REPS]
    rows += [[u, f"Friend {u[6:]} (illustrative)", ""] for u in OUTSIDERS]
    _write("people.csv", ["username", "name", "cohorts"], rows)


def activities(rng: random.Random) -> None:
    """About 600 activities; the share tagged `activate` climbs from ~25% to ~55% (44% overall)."""
    types = ["event", "talk", "workshop", "blog post", "localization", "mentoring"]
    initiatives = ["", "", "rust", "webcompat", "firefox-quantum", "privacy"]
    rows: list[list[object]] = []
    for n in range(620):
        day = START + dt.timedelta(days=int(rng.triangular(0, 89, 60)))
        share = 0.2 + 0.4 * (day - START).days / 89
        tags = ["activate"] if rng.random() < share else []
        if rng.random() < 0.3:
            tags.append(rng.choice(["campus", "community-call", "l10n", "press"]))
        who = rng.choice(REPS + OUTSIDERS[:2])
        kind = rng.choice(types)
        rows.append([who, day.isoformat(), kind, rng.choice(initiatives), ";".join(tags),
                     f"https://reps.example.org/activities/{n + 1}", f"act-{n + 1}"])  # fmt: skip
    rows.sort(key=lambda r: (str(r[1]), str(r[6])))
    header = ["person", "date", "type", "initiative", "tags", "link", "external_id"]
    _write("activities.csv", header, rows)


def facts(rng: random.Random) -> None:
    """Discourse watching: 40% of the Reps watch both categories on 1 January; by the end of
    February 76 of the 80 do; two stop watching NDA in March."""
    rows: list[list[object]] = []
    late = set(rng.sample(REPS, 4))
    for who in REPS:
        both_from = None if who in late else int(rng.triangular(-30, 58, 20))
        for key in ("discourse.watching.reps", "discourse.watching.nda"):
            if both_from is None:
                when = START + dt.timedelta(days=rng.randrange(0, 80))
                rows.append([who, key, "true" if key.endswith("reps") else "false",
                             f"{when}T09:00:00Z"])  # fmt: skip
                continue
            day = START + dt.timedelta(days=max(both_from, 0) - rng.randrange(0, 3))
            if both_from > 0:
                rows.append([who, key, "false", "2017-01-01T00:00:00Z"])
            rows.append([who, key, "true", f"{max(day, START)}T12:00:00Z"])
    for who in rng.sample([r for r in REPS if r not in late], 2):
        rows.append([who, "discourse.watching.nda", "false", "2017-03-15T08:00:00Z"])
    rows.sort(key=lambda r: (str(r[3]), str(r[0]), str(r[1])))
    _write("facts.csv", ["person", "key", "value", "observed_at"], rows)


def events(rng: random.Random) -> None:
    """Feedback on the draft guidelines: 53 distinct Reps by 20 March, some twice; outsiders too."""
    rows: list[list[object]] = []
    givers = rng.sample(REPS, 53)
    for i, who in enumerate(givers):
        day = dt.date(2017, 1, 25) + dt.timedelta(days=int(i * 54 / 53))
        rows.append([who, "feedback", "cpg-draft", f"{day}T{10 + i % 8}:00:00Z"])
        if i % 7 == 0:
            rows.append([who, "feedback", "cpg-draft", f"{day + dt.timedelta(days=3)}T18:00:00Z"])
    for who in OUTSIDERS:
        rows.append([who, "feedback", "cpg-draft", "2017-02-14T12:00:00Z"])
    for who in rng.sample(REPS, 30):
        rows.append([who, "attended", "community-call", "2017-02-02T16:00:00Z"])
    rows.sort(key=lambda r: (str(r[3]), str(r[0])))
    _write("events.csv", ["person", "kind", "subject", "at"], rows)


def responses(rng: random.Random) -> None:
    """Core community sentiment: 223 answers, 70 promoters, 110 passives, 43 detractors."""
    scores = ([rng.choice([9, 10]) for _ in range(70)] + [rng.choice([7, 8]) for _ in range(110)]
              + [rng.choice([2, 4, 5, 6, 6]) for _ in range(43)])  # fmt: skip
    rng.shuffle(scores)
    comments = ["", "", "", "Love the new mobilizer focus", "Too many channels",
                "Great mentors", "Not sure where to start"]  # fmt: skip
    rows: list[list[object]] = []
    for i, score in enumerate(scores):
        day = dt.date(2017, 1, 23) + dt.timedelta(days=int(i * 60 / len(scores)))
        who = REPS[i] if i < len(REPS) and i % 2 == 0 else ""
        rows.append(["core-community-2017-q1", score, f"{day}T{8 + i % 12:02d}:15:00Z", who,
                     rng.choice(comments), f"cc17-{i + 1:03d}"])  # fmt: skip
    header = ["survey", "score", "submitted_at", "respondent", "comment", "external_id"]
    _write("responses.csv", header, rows)


if __name__ == "__main__":
    rng = random.Random(2017)
    people()
    activities(rng)
    facts(rng)
    events(rng)
    responses(rng)
