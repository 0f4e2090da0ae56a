"""Read an OKRs file: YAML (or JSON) → validated `OkrsFile`, remembering the line of every value.

The YAML is composed with the safe loader into nodes (which keep their position), turned into
plain data while recording `path → line`, then validated with pydantic. Every pydantic error's
`loc` is mapped back to a path in the data and so to a line, and reported as
`FILE:LINE: path.to.field: message`.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from okrs.files.schema import FORMAT_VERSION, OkrsFile

MAX_PROBLEMS = 100
MAX_VALUES = 1_000_000
"""A file expanding to more values than this is refused (e.g. a "billion laughs" of aliases)."""

_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when PyYAML was built with it (much faster; its nodes keep their marks)."""

PathPart = str | int
DataPath = tuple[PathPart, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a file: where (`path` in the data, or an explicit `line`) and what."""

    path: DataPath
    message: str
    line: int | None = None


def format_path(path: Sequence[PathPart]) -> str:
    """`("objectives", 1, "key_results", 0, "target")` → `objectives[1].key_results[0].target`."""
    text = ""
    for part in path:
        if isinstance(part, str) and not part.isprintable():
            part = repr(part)  # a control character would break the one-problem-a-line report
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


@dataclass
class LineMap:
    """The 1-based line of each path in the file; a path not in the file takes its parent's line."""

    lines: dict[DataPath, int] = field(default_factory=dict)

    def line_for(self, path: DataPath) -> int | None:
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None


class FileProblems(Exception):
    """A file cannot be imported; `report()` lists the problems, one `FILE:LINE: ...` per line."""

    def __init__(self, name: str, lines: LineMap, problems: Sequence[Problem]) -> None:
        super().__init__(f"{name}: {len(problems)} problem(s)")
        self.name = name
        self.lines = lines
        self.problems = list(problems)

    def messages(self) -> list[str]:
        """Every problem as `FILE:LINE: path: message`, in the order of the file."""
        located = [(self._line(p), format_path(p.path), p.message) for p in self.problems]
        located.sort(key=lambda item: (item[0] or 0, item[1]))
        return [self._text(line, path, message) for line, path, message in located]

    def report(self, limit: int = MAX_PROBLEMS) -> str:
        messages = self.messages()
        shown = messages[:limit]
        if len(messages) > limit:
            shown.append(f"{self.name}: ... and {len(messages) - limit} more problems")
        count = len(messages)
        shown.append(f"{self.name}: {count} problem{'s' if count != 1 else ''}, nothing imported.")
        return "\n".join(shown)

    def _line(self, problem: Problem) -> int | None:
        return problem.line if problem.line is not None else self.lines.line_for(problem.path)

    def _text(self, line: int | None, path: str, message: str) -> str:
        where = f"{self.name}:{line}" if line else self.name
        return f"{where}: {path}: {message}" if path else f"{where}: {message}"


@dataclass(frozen=True, slots=True)
class LoadedFile:
    """A valid file: its display `name`, the validated `document` and the `lines` of its values."""

    name: str
    document: OkrsFile
    lines: LineMap

    def problems(self, problems: Sequence[Problem]) -> FileProblems:
        return FileProblems(self.name, self.lines, problems)


def load_path(path: Path, name: str | None = None) -> LoadedFile:
    """Read and validate the file at `path`; raise FileProblems when it is not a valid file."""
    name = name or str(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FileProblems(name, LineMap(), [Problem((), f"cannot read the file: {exc}")]) from exc
    return load_text(text, name)


def load_text(text: str, name: str) -> LoadedFile:
    """Validate `text` (YAML or JSON) named `name`; raise FileProblems listing every problem."""
    lines = LineMap()
    problems: list[Problem] = []
    node = _compose(text, name)
    data = _Builder(lines, problems).build(node, ()) if node is not None else None
    if problems:
        raise FileProblems(name, lines, problems)
    if not isinstance(data, dict):
        message = f"expected a mapping with `version: {FORMAT_VERSION}` and lists of teams, ..."
        raise FileProblems(name, lines, [Problem((), message, line=lines.line_for(()) or 1)])
    try:
        document = OkrsFile.model_validate(data)
    except ValidationError as exc:
        problems = [_problem(error, data) for error in exc.errors()]
        raise FileProblems(name, lines, problems) from exc
    return LoadedFile(name=name, document=document, lines=lines)


def _compose(text: str, name: str) -> yaml.Node | None:
    """The YAML node tree of `text` (safe loader), or FileProblems for a syntax error."""
    try:
        return yaml.compose(text, Loader=_SAFE_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        message = f"invalid YAML: {exc.problem or exc.context}"
        if exc.problem and exc.context and exc.context_mark and exc.context_mark is not mark:
            message += f" ({exc.context} that starts at line {exc.context_mark.line + 1})"
        raise FileProblems(name, LineMap(), [Problem((), message, line=line)]) from exc
    except yaml.YAMLError as exc:
        raise FileProblems(name, LineMap(), [Problem((), f"invalid YAML: {exc}")]) from exc


class _Builder:
    """Turns YAML nodes into plain data, recording the line of each key and list item."""

    def __init__(self, lines: LineMap, problems: list[Problem]) -> None:
        self.lines = lines
        self.problems = problems
        self.constructor = yaml.SafeLoader("")
        self.active: set[int] = set()
        self.built = 0

    def build(self, node: yaml.Node, path: DataPath) -> Any:
        self.lines.lines.setdefault(path, node.start_mark.line + 1)
        self.built += 1
        if self.built > MAX_VALUES:
            if self.built == MAX_VALUES + 1:
                self.problems.append(Problem(path, f"more than {MAX_VALUES} values (aliases?)"))
            return None
        if id(node) in self.active:
            self.problems.append(Problem(path, "a YAML alias refers to itself"))
            return None
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
            return self._scalar(node, path)
        finally:
            self.active.discard(id(node))

    def _mapping(self, node: yaml.MappingNode, path: DataPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self._scalar(key_node, path) if isinstance(key_node, yaml.ScalarNode) else None
            line = key_node.start_mark.line + 1
            if key == "<<":
                self.problems.append(Problem(path, "merge keys (<<) are not supported", line))
                continue
            if not isinstance(key, str):
                self.problems.append(Problem(path, f"a key must be plain text, got {key!r}", line))
                continue
            if key in result:
                self.problems.append(Problem((*path, key), "this key is given twice", line))
                continue
            self.lines.lines[(*path, key)] = line
            result[key] = self.build(value_node, (*path, key))
        return result

    def _scalar(self, node: yaml.Node, path: DataPath) -> Any:
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError) as exc:
            problem = getattr(exc, "problem", None) or str(exc)
            line = node.start_mark.line + 1
            self.problems.append(Problem(path, f"cannot read {node.value!r}: {problem}", line))
            return None


def _problem(error: ErrorDetails, data: dict[str, Any]) -> Problem:
    """A pydantic error as a Problem at the path of the data it is about."""
    path = _data_path(error["loc"], data, missing=error["type"] == "missing")
    return Problem(path, _message(error, path))


def _data_path(loc: Sequence[PathPart], data: Any, *, missing: bool) -> DataPath:
    """Follow pydantic's `loc` through `data`, skipping the parts that are not keys or indexes.

    pydantic adds parts of its own (union members, validator names) to `loc`; only the parts
    found in the data make a path. A missing field is the one part kept without data.
    """
    path: list[PathPart] = []
    node = data
    for i, part in enumerate(loc):
        if _holds(node, part):
            node = node[part]
        elif missing and i == len(loc) - 1 and isinstance(part, str):
            node = None
        else:
            continue
        path.append(part)
    return tuple(path)


def _holds(node: Any, part: PathPart) -> bool:
    """Whether `part` is a key of the mapping `node` or an index of the list `node`."""
    if isinstance(node, dict):
        return isinstance(part, str) and part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _message(error: ErrorDetails, path: DataPath) -> str:
    kind = error["type"]
    if kind == "missing":
        return "required"
    if kind == "extra_forbidden":
        return _unknown_key(path)
    if kind == "literal_error" and path == ("version",):
        return f"must be {FORMAT_VERSION} (the version of the format this okrs reads)"
    message = error["msg"].removeprefix("Value error, ")
    message = message[:1].lower() + message[1:]
    value = error.get("input")
    if kind != "value_error" and isinstance(value, str | int | float | bool):
        message += f" (got {value!r})"
    return message


def _unknown_key(path: DataPath) -> str:
    key = str(path[-1]) if path else ""
    model = _model_at(path[:-1])
    allowed = list(model.model_fields) if model else []
    message = f"unknown key {key!r}"
    close = difflib.get_close_matches(key, allowed, n=1)
    if close:
        message += f"; did you mean {close[0]!r}?"
    elif allowed:
        message += f"; expected one of: {', '.join(allowed)}"
    return message


def _model_at(path: DataPath) -> type[BaseModel] | None:
    """The schema model describing the mapping at `path` (list indexes are skipped)."""
    model: type[BaseModel] | None = OkrsFile
    for part in path:
        if isinstance(part, int) or model is None:
            continue
        info = model.model_fields.get(part)
        model = _inner_model(info.annotation) if info else None
    return model


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside `list[X]`, `X | None` or `Annotated[X, ...]`, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    args: Iterable[Any] = typing.get_args(annotation)
    if isinstance(annotation, types.UnionType):
        args = annotation.__args__
    for arg in args:
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
