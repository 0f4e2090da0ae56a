"""Streaming, all-or-nothing, idempotent imports of the datasets from CSV or JSON.

``import_dataset(kind=..., stream=...)`` reads the file row by row (a CSV with a header row, or
a JSON list of objects with the same keys), validates each row, and inserts valid rows in
batches inside one transaction. The first bad row stops the writing; the rest of the file is
still checked so the report names up to ``MAX_PROBLEMS`` problems (line, column, reason); then
the transaction is rolled back, so a rejected file leaves the database as it was. Each row has a
content key (from its external id, or from its content) that is unique in its table: rows
already present are skipped, so importing the same file twice adds nothing.

Speed (1,000,000 rows in well under 20 s on two cores, see docs/performance.md): each row is
checked by one function per kind written for the common case (``_Validator.fast``); a row it
does not accept is checked again column by column (``_Validator.row``), which names the
problems or accepts the row. Writing is per database:

- SQLite: rows go to a temporary table without indexes (``executemany``), then one
  ``INSERT ... SELECT ... ORDER BY <Kind.order> ON CONFLICT DO NOTHING`` moves them: in key
  order, the inserts into the unique index (of random hashes) touch each page once. Activities
  are moved in date order (then key order): a share reads all the rows of a period from the
  table, and rows of the same days side by side make that 4 times faster than rows scattered
  in key order, for 20% more import time.
- PostgreSQL: batches of up to ``DIRECT_BATCH`` rows, sorted like SQLite's move, go by binary
  ``COPY`` straight into the table, each under a savepoint; a batch is sent by a thread while
  the next is read, so the server inserts while Python parses. When a batch meets a row
  already present (a unique violation), it is rolled back to its savepoint, and it and the
  rest of the file go through a temporary table and one ``INSERT ... SELECT ... ON CONFLICT DO
  NOTHING`` instead.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import json
import operator
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from okrs.core.measures import normalize_tag, parse_date, parse_datetime
from okrs.core.values import MAX_YEAR, MIN_YEAR, check_day, check_moment, strict_decoder
from okrs.measures.models import Activity, ParticipationEvent, PersonFact, Survey, SurveyResponse

MAX_PROBLEMS = 100
BATCH_SIZE = 20_000  # rows per executemany into SQLite's staging table
DIRECT_BATCH = 50_000  # rows per COPY (and savepoint) straight into a PostgreSQL table
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
    # the order rows are written in (SQLite: the whole file; PostgreSQL: each batch): the unique
    # key (its index then grows in order), unless the table is read by ranges of another column
    # that no index covers
    order: tuple[str, ...] = ("content_key",)

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
        ("survey_id", "content_key"),  # NPS reads its covering index, not the table
    ),
    "activities": Kind(
        "activities",
        Activity,
        ("person", "date", "type"),
        ("initiative", "tags", "link", "external_id"),
        ("person_id", "date", "type", "initiative", "tags", "link", "external_id", "content_key"),
        ("date", "content_key"),  # shares read every activity of a period: together on disk
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


class _Reading:
    nul = False  # whether a NUL character may be in the rows read so far


_NO_NUL = _Reading()


class _CountingReader(io.RawIOBase, _Reading):
    """Wraps a binary stream and reports the bytes read so far to ``progress``; notes whether
    a NUL byte was read (a row is parsed only after its bytes are read, so a row holding one
    is parsed after ``nul`` is set)."""

    def __init__(self, raw: IO[bytes], progress: Progress | None) -> None:
        self._raw, self._progress, self.done = raw, progress, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.done += n
        if b"\x00" in data:
            self.nul = True
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
    decoder = strict_decoder()  # NaN, Infinity and 1e999 are refused, as everywhere
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
        except ValueError as exc:  # a constant or a number `strict_decoder` refuses
            problems.append(Problem(line, None, str(exc)))
            return
        except RecursionError:  # nested deeper than the decoder goes (an item is flat)
            problems.append(Problem(line, None, "nested too deep: each item is a flat object"))
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


def _ext_key(external_id: str) -> str:
    """``_hash("ext", external_id)``, the content key of a row with an external id."""
    return _sha1(b"ext\x1f" + external_id.encode()).hexdigest()


_sha1 = hashlib.sha1
_datetime = dt.datetime.fromisoformat
_date = dt.date.fromisoformat
_LINK = re.compile(r"^https?://\S+$")


_SCORES = {str(i): i for i in range(11)}
_NUL = "must not contain a NUL character"
_CACHED = 10_000  # texts remembered per column (then forgotten all at once)
_NO_VALUE = ""


class _Validator:
    """Turns rows of one kind into database tuples, or RowError listing each bad column.

    Rows arrive as sequences of text in the order of ``kind.keys``. ``row`` is the reference:
    it converts a row with one converter per column and, only when that fails, checks column by
    column to name each problem. ``fast`` (the one used for each row) is, for the two large
    kinds, one function for the common case: it must return what ``row`` returns or raise any
    exception, and the caller then asks ``row``.
    """

    def __init__(
        self,
        kind: Kind,
        report: ImportReport,
        before_write: Callable[[], None] = lambda: None,
        reading: _Reading = _NO_NUL,
    ) -> None:
        self.kind, self.report, self.before_write = kind, report, before_write
        self.reading = reading  # ``fast`` leaves rows to ``row`` once a NUL may be in them
        self.people: dict[str, int] = dict(
            get_user_model().objects.values_list("username", "pk")  # type: ignore[arg-type]
        )
        self.surveys: dict[str, int] = dict(Survey.objects.values_list("slug", "pk"))
        self.tz = timezone.get_current_timezone()
        self.sqlite = connection.vendor == "sqlite"
        self.converters = [self._converter(key) for key in kind.keys]
        self.build = getattr(self, f"_build_{kind.name}")
        self.fast: Callable[[Sequence[str]], tuple[Any, ...]] = getattr(
            self, f"_fast_{kind.name}", self.row
        )
        # the same texts come back row after row: days, tag lists (stored form by cell)
        self.days: dict[str, Any] = {}
        self.tags: dict[str, str] = {}

    def row(self, cells: Sequence[str]) -> tuple[Any, ...]:
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

    # the common case of each large kind in one function --------------------------------------

    def _fast_when(self, text: str) -> Any:
        value = _datetime(text)  # no blanks around, or it raises (and ``row`` strips them)
        if not MIN_YEAR < value.year < MAX_YEAR:
            raise ValueError  # perhaps outside the range (in UTC): ``row`` says
        if not self.sqlite:
            return value if value.tzinfo is not None else value.replace(tzinfo=self.tz)
        if (
            len(text) == 25
            and text[19:] == "+00:00"
            and text[4] == "-"
            and text[13] == ":"
            and text.isascii()
        ):  # YYYY-MM-DDTHH:MM:SS+00:00 as SQLite keeps it, without converting
            return text[:10] + " " + text[11:19]
        if value.tzinfo is None:
            value = value.replace(tzinfo=self.tz)
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")

    def _fast_responses(self, cells: Sequence[str]) -> tuple[Any, ...]:
        survey, score, at, respondent, comment, external_id = cells
        if self.reading.nul:
            raise ValueError
        comment, external_id = comment.strip(), external_id.strip()
        if len(comment) > 5000 or len(external_id) > 200:
            raise ValueError
        score_ = _SCORES[score]
        when = self._fast_when(at)
        person = self.people[respondent] if respondent else None
        key = _ext_key(external_id) if external_id else _hash(score_, when, person, comment)
        return (self.surveys[survey], score_, person, "", comment, when, external_id, key)

    def _fast_activities(self, cells: Sequence[str]) -> tuple[Any, ...]:
        person, day, type_, initiative, tags, link, external_id = cells
        if self.reading.nul:
            raise ValueError
        type_, initiative, external_id = type_.strip(), initiative.strip(), external_id.strip()
        if not type_ or len(type_) > 100 or len(initiative) > 200 or len(external_id) > 200:
            raise ValueError
        when = self.days.get(day)
        if when is None:
            date = check_day(_date(day))
            if date.isoformat() != day:  # only YYYY-MM-DD, as ``parse_date`` accepts
                raise ValueError
            when = day if self.sqlite else date
            self._remember(self.days, day, when)
        person_ = self.people[person]
        if tags:
            stored = self.tags.get(tags)
            if stored is None:
                stored = self._parse_tags(tags.strip()) if tags.strip() else ""
                self._remember(self.tags, tags, stored)
            tags = stored
        link = link.strip()
        if link:
            link = self._parse_link(link)
        key = (
            _ext_key(external_id)
            if external_id
            else _hash(person_, when, type_, initiative, tags, link)
        )
        return (person_, when, type_, initiative, tags, link, external_id, key)

    @staticmethod
    def _remember(cache: dict[str, Any], text: str, value: Any) -> None:
        if len(cache) >= _CACHED:
            cache.clear()
        cache[text] = value

    # one converter per key --------------------------------------------------------------------

    def _converter(self, key: str) -> Any:
        parse = getattr(self, f"_parse_{key}", None)
        limit = {"comment": 5000, "value": 500, "type": 100, "kind": 100}.get(key, 200)
        required = key in self.kind.required

        def text(cell: str) -> str:
            cell = cell.strip()
            if required and not cell:
                raise ValueError("required, but empty")
            if "\x00" in cell:
                raise ValueError(_NUL)
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
            if "\x00" in cell:
                raise ValueError(_NUL)
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
        self.before_write()
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
        check_moment(value)  # 0001-01-01T00:00:00+05:00 is before the year 1 in UTC
        utc = value.astimezone(dt.UTC)
        if self.sqlite:  # what Django stores on SQLite: naive UTC text
            return utc.replace(tzinfo=None).isoformat(" ")
        return value

    _parse_submitted_at = _when
    _parse_observed_at = _when
    _parse_at = _when

    def _parse_date(self, text: str) -> Any:
        day = check_day(parse_date(text))
        return day.isoformat() if self.sqlite else day

    def _parse_link(self, text: str) -> str:
        if not _LINK.match(text):
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


class _Writer:
    """Writes validated rows (in ``kind.columns`` order), skipping rows already present.

    ``add`` takes one row; ``pause`` ends any statement in progress, before the validator runs
    a query of its own; ``finish`` writes what is pending and returns the rows added;
    ``abort`` stops writing (nothing more is written; the caller rolls the transaction back).
    """

    def __init__(self, spec: Kind, cursor: Any) -> None:
        quote = connection.ops.quote_name
        self.cursor = cursor
        self.table = quote(spec.model._meta.db_table)
        self.columns = ", ".join(quote(c) for c in spec.columns)
        self.order = ", ".join(quote(c) for c in spec.order)
        self.staging = quote(f"okrs_import_{spec.name}")

    def _move_sql(self, staging: str) -> str:
        return (
            f"INSERT INTO {self.table} ({self.columns}) SELECT {self.columns} FROM {staging} "
            f"ORDER BY {self.order} ON CONFLICT DO NOTHING"
        )

    def add(self, row: tuple[Any, ...]) -> None:
        raise NotImplementedError

    def pause(self) -> None:
        pass

    def finish(self) -> int:
        raise NotImplementedError

    def abort(self) -> None:
        pass


class _SqliteWriter(_Writer):
    """``executemany`` into a temporary table, then one ordered ``INSERT ... SELECT``."""

    def __init__(self, spec: Kind, cursor: Any) -> None:
        super().__init__(spec, cursor)
        cursor.execute("PRAGMA cache_size = -16384")
        self.staged = f"temp.{self.staging}"
        cursor.execute(f"DROP TABLE IF EXISTS {self.staged}")
        cursor.execute(
            f"CREATE TEMP TABLE {self.staging} AS SELECT {self.columns} FROM {self.table} WHERE 0"
        )
        marks = ", ".join(["%s"] * len(spec.columns))
        self.stage_sql = f"INSERT INTO {self.staged} ({self.columns}) VALUES ({marks})"
        self.batch: list[tuple[Any, ...]] = []

    def add(self, row: tuple[Any, ...]) -> None:
        self.batch.append(row)
        if len(self.batch) >= BATCH_SIZE:
            self.pending()

    def pending(self) -> None:
        """Stage the rows gathered so far."""
        if self.batch:
            self.cursor.executemany(self.stage_sql, self.batch)
            self.batch.clear()

    def finish(self) -> int:
        self.pending()
        self.cursor.execute(self._move_sql(self.staged))
        added = int(self.cursor.rowcount)
        self.cursor.execute(f"DROP TABLE {self.staged}")
        return added

    def abort(self) -> None:
        self.batch.clear()


class _PostgresWriter(_Writer):
    """Batches of up to ``DIRECT_BATCH`` rows, each sorted (``Kind.order``: the unique index
    then grows in order) and sent by a binary ``COPY`` straight into the table, under a savepoint.
    A thread of psycopg sends a batch while the next one is read; the batch's result is
    awaited when the next one is full. When a batch meets a row already present (a unique
    violation), it is rolled back to its savepoint, and it and the rest of the file go by
    ``COPY`` into a temporary table, moved by one ``INSERT ... SELECT ... ON CONFLICT``."""

    def __init__(self, spec: Kind, cursor: Any) -> None:
        super().__init__(spec, cursor)
        self.raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        cursor.execute(
            "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass "
            "AND attnum > 0 AND NOT attisdropped",
            [spec.model._meta.db_table],
        )
        oids = dict(cursor.fetchall())
        self.types = [int(oids[c]) for c in spec.columns]  # for COPY's binary format
        self.sort_key = operator.itemgetter(*[spec.columns.index(c) for c in spec.order])
        self.copy: Any = None  # the COPY in progress (psycopg's Copy)
        self.copying: Any = None  # its context manager
        self.savepoint: str | None = None
        self.direct = True  # straight into the table (until a row is already present)
        self.batch: list[tuple[Any, ...]] = []  # rows read, not sent yet
        self.sent: list[tuple[Any, ...]] = []  # rows of the direct COPY in progress
        self.added = 0
        # the first batches are smaller, so the server starts early; then DIRECT_BATCH
        self.size = max(1, DIRECT_BATCH // 4)

    def _open(self, target: str, *, queued: bool) -> None:
        from psycopg.copy import QueuedLibpqWriter

        self.savepoint = transaction.savepoint()
        self.copying = self.raw.copy(
            f"COPY {target} ({self.columns}) FROM STDIN (FORMAT BINARY)",
            writer=QueuedLibpqWriter(self.raw) if queued else None,
        )
        self.copy = self.copying.__enter__()
        self.copy.set_types(self.types)

    def add(self, row: tuple[Any, ...]) -> None:
        if self.direct:
            self.batch.append(row)
            if len(self.batch) >= self.size:
                self.size = min(DIRECT_BATCH, self.size * 2)
                self._send()
            return
        if self.copy is None:
            self._open(self.staging, queued=False)
        self.copy.write_row(row)

    def _send(self) -> None:
        """Await the batch in flight, then send the rows read since (sorted)."""
        self._end()
        rows, self.batch = self.batch, []
        if not self.direct:  # the batch in flight met a present row
            for row in rows:
                self.add(row)
            return
        if not rows:
            return
        rows.sort(key=self.sort_key)
        self._open(self.table, queued=True)
        write = self.copy.write_row
        for row in rows:
            write(row)
        self.sent = rows

    def _end(self) -> None:
        """End the COPY in progress; after a unique violation, go through staging."""
        copying, self.copying, self.copy = self.copying, None, None
        if copying is None:
            return
        from psycopg.errors import UniqueViolation

        try:
            copying.__exit__(None, None, None)
        except UniqueViolation:
            if not self.direct:
                raise  # cannot happen: the staging table has no unique key
            transaction.savepoint_rollback(self.savepoint)
            self._to_staging()
            return
        except BaseException:
            transaction.savepoint_rollback(self.savepoint)
            raise
        transaction.savepoint_commit(self.savepoint)
        if self.direct:
            self.added += len(self.sent)
        self.sent = []

    def _to_staging(self) -> None:
        """From now on, through a temporary table; the batch that met a present row first
        (its ``COPY`` stays open for the rows that follow)."""
        self.direct = False
        self.cursor.execute(f"DROP TABLE IF EXISTS {self.staging}")
        self.cursor.execute(
            f"CREATE TEMPORARY TABLE {self.staging} ON COMMIT DROP AS "
            f"SELECT {self.columns} FROM {self.table} WITH NO DATA"
        )
        rows, self.sent = self.sent, []
        self._open(self.staging, queued=False)
        for row in rows:
            self.copy.write_row(row)

    def pause(self) -> None:
        """Send the rows read and await them (before another query on the connection)."""
        self._send()
        while self.copying is not None:
            self._end()

    def finish(self) -> int:
        self.pause()
        if not self.direct:
            self.cursor.execute(self._move_sql(self.staging))
            self.added += self.cursor.rowcount
        return self.added

    def abort(self) -> None:
        copying, self.copying, self.copy = self.copying, None, None
        self.batch, self.sent = [], []
        if copying is not None:  # end the COPY with an error, and undo its rows
            copying.__exit__(_Rejected, _Rejected("rejected"), None)
            transaction.savepoint_rollback(self.savepoint)


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
    counting = _CountingReader(stream, progress)
    raw = io.BufferedReader(counting, buffer_size=_CHUNK)
    as_json = _is_json(raw, filename)
    if as_json:
        counting.nul = True  # JSON may write one as \u0000: every row is checked for it
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    try:
        with transaction.atomic():
            _import_rows(spec, text, as_json, report, counting)
            if report.problems:
                raise _Rejected
    except _Rejected:
        report.created_surveys.clear()
    except UnicodeDecodeError as exc:
        report.problems.append(Problem(0, None, f"the file is not UTF-8 text ({exc.reason})"))
    return report


def _cells(spec: Kind, as_json: bool, text: IO[str], report: ImportReport) -> Iterator[Cells]:
    """(line, cells in the order of ``spec.keys``) for each row, or (line, []) for a row whose
    problem is already reported; header problems are reported and end the reading."""
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
    width = len(header)  # at least the required columns, so never 1
    # missing optional columns read the empty cell appended at the end of each row
    where = [header.index(k) if k in header else -1 for k in spec.keys]
    pick = operator.itemgetter(*where)
    pad = -1 in where
    for values in reader:
        if len(values) != width:
            if not values or (len(values) == 1 and not values[0].strip()):
                continue  # a blank line
            line = reader.line_num
            problems.append(Problem(line, None, f"expected {width} values, found {len(values)}"))
            yield line, []
            continue
        if pad:
            values.append(_NO_VALUE)
        yield reader.line_num, pick(values)


def _check_header(kind: Kind, keys: set[str]) -> list[Problem]:
    found = [Problem(1, k, "required column is missing") for k in kind.required if k not in keys]
    allowed = ", ".join(kind.keys)
    found += [
        Problem(1, k, f"unknown column (allowed: {allowed})") for k in sorted(keys - set(kind.keys))
    ]
    return found


def _import_rows(
    spec: Kind, text: IO[str], as_json: bool, report: ImportReport, reading: _Reading
) -> None:
    problems = report.problems
    with connection.cursor() as cursor:
        sqlite = connection.vendor == "sqlite"
        writer = _SqliteWriter(spec, cursor) if sqlite else _PostgresWriter(spec, cursor)
        validator = _Validator(spec, report, before_write=writer.pause, reading=reading)
        fast, row = validator.fast, validator.row
        add: Callable[[tuple[Any, ...]], None] = writer.add
        batch, stage, size = None, None, BATCH_SIZE
        if isinstance(writer, _SqliteWriter):  # inline ``writer.add``: the same, one call less
            batch, stage = writer.batch, writer.pending
            add = batch.append
        writing = True
        try:
            for line, cells in _cells(spec, as_json, text, report):
                report.rows += 1
                if len(problems) >= MAX_PROBLEMS:
                    report.truncated = True
                    break
                if cells:
                    try:
                        values = fast(cells)
                    except Exception:
                        try:
                            values = row(cells)
                        except RowError as exc:
                            problems.extend(Problem(line, c, r) for c, r in exc.problems)
                            values = None
                else:
                    values = None
                if writing:
                    if problems:  # keep checking, stop writing
                        writing = False
                        writer.abort()
                    elif values is not None:
                        add(values)
                        if batch is not None and len(batch) >= size:
                            stage()  # type: ignore[misc]
            del problems[MAX_PROBLEMS:]
            if problems:
                writer.abort()
            else:
                report.added = writer.finish()
        except BaseException:
            with contextlib.suppress(Exception):  # keep the first error
                writer.abort()
            raise
        finally:
            if sqlite:
                cursor.execute("PRAGMA cache_size = -2000")
