"""Streaming, all-or-nothing, idempotent imports of the datasets from CSV or JSON.

``import_dataset(kind=..., stream=...)`` reads the file row by row (a CSV with a header row, or
a JSON list of objects with the same keys), validates each row, and inserts valid rows in
batches inside one transaction. The first bad row stops the writing; the rest of the file is
still checked so the report names up to ``MAX_PROBLEMS`` problems (line, column, reason); then
the transaction is rolled back, so a rejected file leaves the database as it was. Each row has a
content key (from its external id, or from its content) that is unique in its table: rows
already present are skipped (``INSERT ... ON CONFLICT DO NOTHING`` on both databases), so
importing the same file twice adds nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from okrs.core.measures import normalize_tag, parse_date, parse_datetime
from okrs.measures.models import Activity, ParticipationEvent, PersonFact, Survey, SurveyResponse

MAX_PROBLEMS = 100
BATCH_SIZE = 5000
_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,64}$")

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Problem:
    line: int
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column!r}" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass
class ImportReport:
    kind: str
    rows: int = 0
    added: int = 0
    problems: list[Problem] = field(default_factory=list)
    truncated: bool = False
    created_surveys: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def skipped(self) -> int:
        """Rows already present (same external id or same content)."""
        return self.rows - self.added if self.ok else 0


class RowError(Exception):
    def __init__(self, problems: list[tuple[str | None, str]]) -> None:
        super().__init__(problems)
        self.problems = problems


@dataclass(frozen=True)
class Kind:
    name: str
    model: type[Model]
    required: tuple[str, ...]
    optional: tuple[str, ...]
    columns: tuple[str, ...]  # database columns, in the order rows are built

    @property
    def keys(self) -> tuple[str, ...]:
        return self.required + self.optional


KINDS: dict[str, Kind] = {
    "responses": Kind(
        "responses",
        SurveyResponse,
        ("survey", "score", "submitted_at"),
        ("respondent", "comment", "external_id"),
        ("survey_id", "score", "respondent_id", "anonymous_id", "comment", "submitted_at",
         "external_id", "content_key"),
    ),
    "activities": Kind(
        "activities",
        Activity,
        ("person", "date", "type"),
        ("initiative", "tags", "link", "external_id"),
        ("person_id", "date", "type", "initiative", "tags", "link", "external_id", "content_key"),
    ),
    "facts": Kind(
        "facts",
        PersonFact,
        ("person", "key", "value", "observed_at"),
        (),
        ("person_id", "key", "value", "observed_at", "content_key"),
    ),
    "events": Kind(
        "events",
        ParticipationEvent,
        ("person", "kind", "subject", "at"),
        (),
        ("person_id", "kind", "subject", "at", "content_key"),
    ),
}  # fmt: skip
KIND_ALIASES = {"surveys": "responses", "survey_responses": "responses"}


def resolve_kind(name: str) -> Kind:
    kind = KINDS.get(KIND_ALIASES.get(name, name))
    if kind is None:
        raise ValueError(f"unknown kind {name!r} (known: {', '.join(KINDS)})")
    return kind


# --- reading ---------------------------------------------------------------------------------


class _CountingReader(io.RawIOBase):
    """Wraps a binary stream and reports the bytes read so far to ``progress``."""

    def __init__(self, raw: IO[bytes], progress: Progress | None) -> None:
        self._raw, self._progress, self.done = raw, progress, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.done += n
        if self._progress is not None and n:
            self._progress(self.done)
        return n


Row = tuple[int, dict[str, Any]]


def _csv_header(reader: Any) -> list[str] | None:
    try:
        return [h.strip() for h in next(reader)]
    except StopIteration:
        return None


def _csv_rows(reader: Any, header: list[str], problems: list[Problem]) -> Iterator[Row]:
    width = len(header)
    for values in reader:
        line = reader.line_num
        if not values or (len(values) == 1 and not values[0].strip()):
            continue
        if len(values) != width:
            problems.append(Problem(line, None, f"expected {width} values, found {len(values)}"))
            yield line, {}
            continue
        yield line, dict(zip(header, values, strict=True))


_CHUNK = 1 << 16
_MAX_OBJECT = 1 << 20


def _json_rows(text: IO[str], problems: list[Problem]) -> Iterator[Row]:
    """Objects of a top-level JSON list, decoded one at a time with their starting line."""
    decoder = json.JSONDecoder()
    buf, pos, line, eof = "", 0, 1, False

    def more() -> bool:
        nonlocal buf, pos, eof
        if eof:
            return False
        chunk = text.read(_CHUNK)
        if not chunk:
            eof = True
            return False
        buf = buf[pos:] + chunk
        pos = 0
        return True

    def skip_blank() -> str | None:
        nonlocal pos, line
        while True:
            while pos < len(buf) and buf[pos] in " \t\r\n":
                if buf[pos] == "\n":
                    line += 1
                pos += 1
            if pos < len(buf):
                return buf[pos]
            if not more():
                return None

    if skip_blank() != "[":
        problems.append(Problem(line, None, "a JSON file must hold a list of objects"))
        return
    pos += 1
    expect_item = True
    while True:
        char = skip_blank()
        if char is None:
            problems.append(Problem(line, None, "the JSON list is not closed with ]"))
            return
        if char == "]":
            return
        if char == "," and not expect_item:
            pos += 1
            expect_item = True
            continue
        try:
            obj, end = decoder.raw_decode(buf, pos)
        except json.JSONDecodeError as exc:
            if len(buf) - pos < _MAX_OBJECT and more():
                continue
            problems.append(Problem(line + buf.count("\n", pos, exc.pos), None, exc.msg))
            return
        start_line = line
        line += buf.count("\n", pos, end)
        pos = end
        expect_item = False
        if not isinstance(obj, dict):
            problems.append(Problem(start_line, None, "each item must be an object"))
            yield start_line, {}
            continue
        yield start_line, obj


def _is_json(raw: io.BufferedReader, filename: str | None) -> bool:
    if filename:
        lower = filename.lower()
        if lower.endswith(".json"):
            return True
        if lower.endswith(".csv"):
            return False
    head = raw.peek(64)[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"[")


# --- validating ------------------------------------------------------------------------------


def _text(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        raise ValueError("must be a plain value, not a list or object")
    return str(value).strip()


def _hash(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode()).hexdigest()


class _Validator:
    """Turns rows of one kind into database tuples, or RowError listing each bad column."""

    def __init__(self, kind: Kind, report: ImportReport) -> None:
        self.kind, self.report = kind, report
        self.people: dict[str, int] = dict(
            get_user_model().objects.values_list("username", "pk")  # type: ignore[arg-type]
        )
        self.surveys: dict[str, int] = dict(Survey.objects.values_list("slug", "pk"))
        self.tz = timezone.get_current_timezone()
        self.adapt_dt = connection.ops.adapt_datetimefield_value
        self.adapt_date = connection.ops.adapt_datefield_value

    def check_header(self, keys: set[str], line: int) -> list[Problem]:
        found: list[Problem] = []
        for key in self.kind.required:
            if key not in keys:
                found.append(Problem(line, key, "required column is missing"))
        for key in sorted(keys - set(self.kind.keys)):
            found.append(
                Problem(line, key, f"unknown column (allowed: {', '.join(self.kind.keys)})")
            )
        return found

    def row(self, row: dict[str, Any]) -> tuple[Any, ...]:
        errors: list[tuple[str | None, str]] = []
        values: dict[str, Any] = {}
        for key in self.kind.keys:
            try:
                values[key] = self._field(key, row)
            except ValueError as exc:
                errors.append((key, str(exc)))
        for key in sorted(row.keys() - set(self.kind.keys)):
            errors.append((key, f"unknown key (allowed: {', '.join(self.kind.keys)})"))
        if errors:
            raise RowError(errors)
        return getattr(self, f"_build_{self.kind.name}")(values)

    # one parser per key ---------------------------------------------------------------------

    def _field(self, key: str, row: dict[str, Any]) -> Any:
        text = _text(row, key)
        if key in self.kind.required and not text:
            raise ValueError("required, but empty")
        parser = getattr(self, f"_parse_{key}", None)
        if parser is not None:
            return parser(text, row.get(key))
        return self._limited(text, 200)

    @staticmethod
    def _limited(text: str, limit: int) -> str:
        if len(text) > limit:
            raise ValueError(f"at most {limit} characters, found {len(text)}")
        return text

    def _person(self, text: str) -> int | None:
        if not text:
            return None
        pk = self.people.get(text)
        if pk is None:
            raise ValueError(f"unknown person {text!r} (people are given by username)")
        return pk

    def _parse_person(self, text: str, _: Any) -> int | None:
        return self._person(text)

    def _parse_respondent(self, text: str, _: Any) -> int | None:
        return self._person(text)

    def _parse_survey(self, text: str, _: Any) -> int:
        pk = self.surveys.get(text)
        if pk is not None:
            return pk
        if not _SLUG.match(text):
            raise ValueError(f"a survey slug has letters, digits, - and _ only: {text!r}")
        survey = Survey.objects.create(slug=text, title=text)
        self.surveys[text] = survey.pk
        self.report.created_surveys.append(text)
        return survey.pk

    def _parse_score(self, text: str, raw: Any) -> int:
        if isinstance(raw, float) and raw.is_integer():
            text = str(int(raw))
        if not re.fullmatch(r"\d{1,2}", text) or int(text) > 10:
            raise ValueError(f"a score is a whole number from 0 to 10, found {text!r}")
        return int(text)

    def _when(self, text: str) -> dt.datetime:
        return parse_datetime(text, default_tz=self.tz)

    def _parse_submitted_at(self, text: str, _: Any) -> dt.datetime:
        return self._when(text)

    def _parse_observed_at(self, text: str, _: Any) -> dt.datetime:
        return self._when(text)

    def _parse_at(self, text: str, _: Any) -> dt.datetime:
        return self._when(text)

    def _parse_date(self, text: str, _: Any) -> dt.date:
        return parse_date(text)

    def _parse_comment(self, text: str, _: Any) -> str:
        return self._limited(text, 5000)

    def _parse_value(self, text: str, _: Any) -> str:
        return self._limited(text, 500)

    def _parse_type(self, text: str, _: Any) -> str:
        return self._limited(text, 100)

    def _parse_kind(self, text: str, _: Any) -> str:
        return self._limited(text, 100)

    def _parse_link(self, text: str, _: Any) -> str:
        if text and not re.match(r"^https?://\S+$", text):
            raise ValueError(f"a link is an http(s) URL, found {text!r}")
        return self._limited(text, 500)

    def _parse_tags(self, text: str, _: Any) -> str:
        tags: list[str] = []
        for part in text.split(";"):
            tag = normalize_tag(part)
            if tag and tag not in tags:
                tags.append(tag)
        stored = f";{';'.join(sorted(tags))};" if tags else ""
        return self._limited(stored, 1000)

    # one row builder per kind -----------------------------------------------------------------

    def _build_responses(self, v: dict[str, Any]) -> tuple[Any, ...]:
        at = v["submitted_at"]
        key = (
            _hash("ext", v["external_id"])
            if v["external_id"]
            else _hash(v["score"], at.isoformat(), v["respondent"], v["comment"])
        )
        return (v["survey"], v["score"], v["respondent"], "", v["comment"], self.adapt_dt(at),
                v["external_id"], key)  # fmt: skip

    def _build_activities(self, v: dict[str, Any]) -> tuple[Any, ...]:
        day = v["date"]
        key = (
            _hash("ext", v["external_id"])
            if v["external_id"]
            else _hash(v["person"], day, v["type"], v["initiative"], v["tags"], v["link"])
        )
        return (v["person"], self.adapt_date(day), v["type"], v["initiative"], v["tags"],
                v["link"], v["external_id"], key)  # fmt: skip

    def _build_facts(self, v: dict[str, Any]) -> tuple[Any, ...]:
        at = v["observed_at"]
        key = _hash(v["person"], v["key"], v["value"], at.isoformat())
        return (v["person"], v["key"], v["value"], self.adapt_dt(at), key)

    def _build_events(self, v: dict[str, Any]) -> tuple[Any, ...]:
        at = v["at"]
        key = _hash(v["person"], v["kind"], v["subject"], at.isoformat())
        return (v["person"], v["kind"], v["subject"], self.adapt_dt(at), key)


# --- writing ---------------------------------------------------------------------------------


class _Rejected(Exception):
    pass


def _insert_sql(kind: Kind) -> str:
    table = connection.ops.quote_name(kind.model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in kind.columns)
    marks = ", ".join(["%s"] * len(kind.columns))
    return f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT DO NOTHING"


def import_dataset(
    *,
    kind: str,
    stream: IO[bytes],
    filename: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import one dataset file (CSV or JSON, by name or content); all or nothing.

    Returns the report; ``report.ok`` is False when the file was rejected (nothing written).
    Raises ValueError for an unknown kind.
    """
    spec = resolve_kind(kind)
    report = ImportReport(kind=spec.name)
    raw = io.BufferedReader(_CountingReader(stream, progress), buffer_size=_CHUNK)
    as_json = _is_json(raw, filename)
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    try:
        with transaction.atomic():
            _import_rows(spec, text, as_json, report)
            if report.problems:
                raise _Rejected
    except _Rejected:
        report.created_surveys.clear()
    except UnicodeDecodeError as exc:
        report.problems.append(Problem(0, None, f"the file is not UTF-8 text ({exc.reason})"))
    return report


def _import_rows(spec: Kind, text: IO[str], as_json: bool, report: ImportReport) -> None:
    validator = _Validator(spec, report)
    problems = report.problems
    before = spec.model._default_manager.count()
    if as_json:
        reader = _json_rows(text, problems)
    else:
        csv_reader = csv.reader(text)
        header = _csv_header(csv_reader)
        if header is None:
            problems.append(Problem(1, None, "the file is empty (a header row is needed)"))
            return
        problems.extend(validator.check_header(set(header), 1))
        if problems:
            return
        reader = _csv_rows(csv_reader, header, problems)
    sql, batch = _insert_sql(spec), []
    for line, row in reader:
        report.rows += 1
        if len(problems) >= MAX_PROBLEMS:
            report.truncated = True
            break
        if not row:
            continue
        if as_json:
            missing = [k for k in spec.required if k not in row]
            if missing:
                problems.extend(Problem(line, k, "required key is missing") for k in missing)
                continue
        try:
            values = validator.row(row)
        except RowError as exc:
            problems.extend(Problem(line, column, reason) for column, reason in exc.problems)
            continue
        if problems:
            continue  # keep checking, stop writing
        batch.append(values)
        if len(batch) >= BATCH_SIZE:
            _flush(sql, batch)
    del problems[MAX_PROBLEMS:]
    if not problems:
        _flush(sql, batch)
        report.added = spec.model._default_manager.count() - before


def _flush(sql: str, batch: list[tuple[Any, ...]]) -> None:
    if batch:
        with connection.cursor() as cursor:
            cursor.executemany(sql, batch)
        batch.clear()
