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
import operator
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


Row = tuple[int, dict[str, Any]]  # (line, JSON object)
Cells = tuple[int, list[str]]  # (line, cells in the order of the kind's keys)


def _csv_header(reader: Any) -> list[str] | None:
    try:
        return [h.strip() for h in next(reader)]
    except StopIteration:
        return None


def _csv_rows(reader: Any, header: list[str], problems: list[Problem]) -> Iterator[Cells]:
    width = len(header)
    for values in reader:
        line = reader.line_num
        if not values or (len(values) == 1 and not values[0].strip()):
            continue
        if len(values) != width:
            problems.append(Problem(line, None, f"expected {width} values, found {len(values)}"))
            yield line, []
            continue
        yield line, values


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


def _plain(value: Any) -> str:
    """A JSON value as the text a CSV cell would hold."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        raise ValueError("must be a plain value, not a list or object")
    return str(value)


def _hash(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(map(str, parts)).encode()).hexdigest()


_SCORES = {str(i): i for i in range(11)}
_NO_VALUE = ""


class _Validator:
    """Turns rows of one kind into database tuples, or RowError listing each bad column.

    Rows arrive as lists of text in the order of ``kind.keys``. The fast path converts a row in
    one comprehension; only a row that fails is checked column by column to name each problem.
    """

    def __init__(self, kind: Kind, report: ImportReport) -> None:
        self.kind, self.report = kind, report
        self.people: dict[str, int] = dict(
            get_user_model().objects.values_list("username", "pk")  # type: ignore[arg-type]
        )
        self.surveys: dict[str, int] = dict(Survey.objects.values_list("slug", "pk"))
        self.tz = timezone.get_current_timezone()
        self.sqlite = connection.vendor == "sqlite"
        self.converters = [self._converter(key) for key in kind.keys]
        self.build = getattr(self, f"_build_{kind.name}")

    def row(self, cells: list[str]) -> tuple[Any, ...]:
        try:
            return self.build(
                [conv(cell) for conv, cell in zip(self.converters, cells, strict=True)]
            )
        except (ValueError, KeyError, TypeError):
            pass
        errors: list[tuple[str | None, str]] = []
        for key, conv, cell in zip(self.kind.keys, self.converters, cells, strict=True):
            try:
                conv(cell)
            except KeyError as exc:
                errors.append((key, exc.args[0]))
            except (ValueError, TypeError) as exc:
                errors.append((key, str(exc)))
        raise RowError(errors or [(None, "invalid row")])

    # one converter per key --------------------------------------------------------------------

    def _converter(self, key: str) -> Any:
        parse = getattr(self, f"_parse_{key}", None)
        limit = {"comment": 5000, "value": 500, "type": 100, "kind": 100}.get(key, 200)
        required = key in self.kind.required

        def text(cell: str) -> str:
            cell = cell.strip()
            if required and not cell:
                raise ValueError("required, but empty")
            if len(cell) > limit:
                raise ValueError(f"at most {limit} characters, found {len(cell)}")
            return cell

        if parse is None:
            return text

        def convert(cell: str) -> Any:
            cell = cell.strip()
            if not cell:
                if required:
                    raise ValueError("required, but empty")
                return None if key == "respondent" else ""
            return parse(cell)

        return convert

    def _person(self, text: str) -> int:
        try:
            return self.people[text]
        except KeyError:
            raise KeyError(f"unknown person {text!r} (people are given by username)") from None

    _parse_person = _person
    _parse_respondent = _person

    def _parse_survey(self, text: str) -> int:
        pk = self.surveys.get(text)
        if pk is not None:
            return pk
        if not _SLUG.match(text):
            raise ValueError(f"a survey slug has letters, digits, - and _ only: {text!r}")
        survey = Survey.objects.create(slug=text, title=text)
        self.surveys[text] = survey.pk
        self.report.created_surveys.append(text)
        return survey.pk

    def _parse_score(self, text: str) -> int:
        try:
            return _SCORES[text]
        except KeyError:
            raise ValueError(f"a score is a whole number from 0 to 10, found {text!r}") from None

    def _when(self, text: str) -> Any:
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            value = parse_datetime(text, default_tz=self.tz)  # a clear message, or a date
        if value.tzinfo is None:
            value = value.replace(tzinfo=self.tz)
        if self.sqlite:  # what Django stores on SQLite: naive UTC text
            return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
        return value

    _parse_submitted_at = _when
    _parse_observed_at = _when
    _parse_at = _when

    def _parse_date(self, text: str) -> Any:
        day = parse_date(text)
        return day.isoformat() if self.sqlite else day

    def _parse_link(self, text: str) -> str:
        if not re.match(r"^https?://\S+$", text):
            raise ValueError(f"a link is an http(s) URL, found {text!r}")
        if len(text) > 500:
            raise ValueError(f"at most 500 characters, found {len(text)}")
        return text

    def _parse_tags(self, text: str) -> str:
        tags = sorted({normalize_tag(part) for part in text.split(";")} - {""})
        stored = f";{';'.join(tags)};" if tags else ""
        if len(stored) > 1000:
            raise ValueError(f"at most 1000 characters of tags, found {len(stored)}")
        return stored

    # one row builder per kind (values in the order of kind.keys) -----------------------------

    def _build_responses(self, v: list[Any]) -> tuple[Any, ...]:
        survey, score, at, respondent, comment, external_id = v
        key = _hash("ext", external_id) if external_id else _hash(score, at, respondent, comment)
        return (survey, score, respondent, "", comment, at, external_id, key)

    def _build_activities(self, v: list[Any]) -> tuple[Any, ...]:
        person, day, type_, initiative, tags, link, external_id = v
        key = (
            _hash("ext", external_id)
            if external_id
            else _hash(person, day, type_, initiative, tags, link)
        )
        return (person, day, type_, initiative, tags, link, external_id, key)

    def _build_facts(self, v: list[Any]) -> tuple[Any, ...]:
        person, key_, value, at = v
        return (person, key_, value, at, _hash(person, key_, value, at))

    def _build_events(self, v: list[Any]) -> tuple[Any, ...]:
        person, kind, subject, at = v
        return (person, kind, subject, at, _hash(person, kind, subject, at))


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


def _cells(spec: Kind, as_json: bool, text: IO[str], report: ImportReport) -> Iterator[Cells]:
    """(line, cells in the order of ``spec.keys``) for each row; header problems are reported
    and end the reading."""
    problems = report.problems
    if as_json:
        for line, obj in _json_rows(text, problems):
            if not obj:
                yield line, []
                continue
            missing = [k for k in spec.required if k not in obj]
            unknown = sorted(obj.keys() - set(spec.keys))
            if missing or unknown:
                problems.extend(Problem(line, k, "required key is missing") for k in missing)
                problems.extend(
                    Problem(line, k, f"unknown key (allowed: {', '.join(spec.keys)})")
                    for k in unknown
                )
                yield line, []
                continue
            try:
                yield line, [_plain(obj.get(k)) for k in spec.keys]
            except ValueError as exc:
                problems.append(Problem(line, None, str(exc)))
                yield line, []
        return
    reader = csv.reader(text)
    header = _csv_header(reader)
    if header is None:
        problems.append(Problem(1, None, "the file is empty (a header row is needed)"))
        return
    header_problems = _check_header(spec, set(header))
    if header_problems:
        problems.extend(header_problems)
        return
    # missing optional columns read the empty cell appended at the end of each row
    pick = operator.itemgetter(*[header.index(k) if k in header else -1 for k in spec.keys])
    for line, row in _csv_rows(reader, header, problems):
        if not row:
            yield line, []
            continue
        row.append(_NO_VALUE)
        yield line, list(pick(row))


def _check_header(kind: Kind, keys: set[str]) -> list[Problem]:
    found = [Problem(1, k, "required column is missing") for k in kind.required if k not in keys]
    allowed = ", ".join(kind.keys)
    found += [
        Problem(1, k, f"unknown column (allowed: {allowed})") for k in sorted(keys - set(kind.keys))
    ]
    return found


def _import_rows(spec: Kind, text: IO[str], as_json: bool, report: ImportReport) -> None:
    validator = _Validator(spec, report)
    problems = report.problems
    before = spec.model._default_manager.count()
    batch: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        writer = _writer(spec, cursor)
        for line, cells in _cells(spec, as_json, text, report):
            report.rows += 1
            if len(problems) >= MAX_PROBLEMS:
                report.truncated = True
                break
            if not cells:
                continue
            try:
                values = validator.row(cells)
            except RowError as exc:
                problems.extend(Problem(line, column, reason) for column, reason in exc.problems)
                continue
            if problems:
                continue  # keep checking, stop writing
            batch.append(values)
            if len(batch) >= BATCH_SIZE:
                writer(batch)
        del problems[MAX_PROBLEMS:]
        if not problems:
            writer(batch)
            report.added = spec.model._default_manager.count() - before
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA cache_size = -2000")


def _writer(spec: Kind, cursor: Any) -> Callable[[list[tuple[Any, ...]]], None]:
    """A function that writes a batch of rows, skipping those already present.

    SQLite: ``INSERT ... ON CONFLICT DO NOTHING`` with executemany, rows sorted by content key
    (neighbouring keys touch fewer index pages), with a larger page cache for the import.
    PostgreSQL: ``COPY`` into a temporary table, then ``INSERT ... SELECT ... ON CONFLICT DO
    NOTHING`` from it.
    """
    quote = connection.ops.quote_name
    table = quote(spec.model._meta.db_table)
    columns = ", ".join(quote(c) for c in spec.columns)
    if connection.vendor != "postgresql":
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA cache_size = -65536")
        sql = _insert_sql(spec)

        def insert(batch: list[tuple[Any, ...]]) -> None:
            if batch:
                batch.sort(key=operator.itemgetter(-1))
                cursor.executemany(sql, batch)
                batch.clear()

        return insert

    staging = quote(f"okrs_import_{spec.name}")
    cursor.execute(f"DROP TABLE IF EXISTS {staging}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS "
        f"SELECT {columns} FROM {table} WITH NO DATA"
    )
    raw = cursor.cursor  # the psycopg cursor under Django's wrapper

    def copy(batch: list[tuple[Any, ...]]) -> None:
        if not batch:
            return
        with raw.copy(f"COPY {staging} ({columns}) FROM STDIN") as stream:
            for row in batch:
                stream.write_row(row)
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {staging} "
            "ON CONFLICT DO NOTHING"
        )
        cursor.execute(f"TRUNCATE {staging}")
        batch.clear()

    return copy
