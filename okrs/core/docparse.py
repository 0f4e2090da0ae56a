"""OKR document → objectives and their key results.

Pure rules, no Django. ``parse_document(text)`` reads a plain-text or Markdown OKR post
in the shapes people use and returns its objectives with their KR lines, ignoring the
prose around them:

- labelled lines: "Objective 1 – …", "Objective #2: …", "O1: …", "OKR 1: …", with KRs as
  "KR 1 – …", "KR1.2: …", "KR: …", "Key Result 1.1: …", "1.2 …";
- Markdown: an objective as a heading ("## Grow the community") or a labelled line, its
  KRs as the bullet ("-", "*", "•") or numbered ("1.", "2)") items that follow it.

- handbook lists: a numbered or bulleted item, often bold, whose nested items are its KRs
  ("1. **CEO: Grow ARR**" over "1. **CEO KR:** …", "Team KR: …", or plain sentences), with
  or without headings above;
- tables: a row per KR under an objective heading, or an "Objective" column beside a "Key
  Result" column.

A KR line always belongs to the objective above it. Bullets count as KRs only while the
objective's list is open: a prose paragraph or a heading that is not an objective (e.g.
"Key activities for OKR 1") closes it, so activity lists are not taken for KRs. A heading
counts as an objective only when KRs follow it. A list item with nested items is an
objective when those items read as KRs, and a KR when they are details ("October: 55,583
sessions", a few words); items nested under a KR are its details. What cannot be placed (a KR
line with no objective above it) is returned in ``Document.unplaced`` for review, never
dropped silently and never a reason to refuse the rest. ``parse_okrs(text, period)``
additionally reads each KR sentence with ``okrs.core.krparse.parse_kr``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from okrs.core.krparse import ParsedKR, Period, parse_kr

__all__ = [
    "Document",
    "DocumentKR",
    "DocumentObjective",
    "ParsedObjective",
    "html_to_text",
    "parse_document",
    "parse_okrs",
    "read_document",
]


@dataclass
class DocumentKR:
    code: str
    text: str
    line: int


@dataclass
class DocumentObjective:
    code: str
    title: str
    line: int
    key_results: list[DocumentKR] = field(default_factory=list)
    labelled: bool = True


@dataclass
class Document:
    objectives: list[DocumentObjective]
    unplaced: list[tuple[int, str]]  # (line, text) of KR-like lines with no objective


@dataclass(frozen=True)
class ParsedObjective:
    code: str
    title: str
    line: int
    key_results: tuple[tuple[DocumentKR, ParsedKR], ...]


_SEP = r"\s*(?:[:.)\-–—|]+\s*|\s+)"
_OBJECTIVE = re.compile(
    rf"^(?:objective|okr|o)\s*#?\s*(\d+)(?![.\d]\d){_SEP}(?P<title>.+)$|^objective\s*[:\-–—]\s*(?P<bare>.+)$",
    re.IGNORECASE,
)
_KR = re.compile(
    rf"^(?:kr|key\s*result)\s*#?\s*(?P<num>\d+(?:\.\d+)?)?(?(num){_SEP}|\s*[:\-–—.)]\s*)(?P<text>.+)$",
    re.IGNORECASE,
)
_TEAM_KR = re.compile(
    r"^(?P<who>[\w&/.-]+(?:\s+[\w&/.-]+){0,3})\s+(?:kr|key\s*result)\s*#?"
    r"(?P<num>\d+(?:\.\d+)?)?\s*:\s*(?P<text>.+)$",
    re.IGNORECASE,
)
_DETAIL = re.compile(r"^[\w .&/-]{1,24}:\s*[$€£]?\d|^(?:e\.g\.|note|see|link|issue|epic)\b", re.I)
_RESULT_NOTE = re.compile(r"\s+(?:=+>|-->)\s.*$")
"""What a handbook writes after a KR once scored: "… => DONE", "… --> 66%"."""
_DOTTED = re.compile(r"^(?P<num>\d+\.\d+[a-z]?)\s+(?P<text>.+)$")
_BULLET = re.compile(r"^(?:[-*•+·▪◦]|\d+[.)])\s+(?P<text>.+)$")
_HEADING = re.compile(r"^#{1,6}\s+(?P<text>.+?)\s*#*$")
_NOT_OBJECTIVE = re.compile(
    r"\b(activit|initiative|task|deliverable|next step|packet|background|note|question|"
    r"heartbeat|how we|about|summary|introduction|context|timeline|resources?\b)",
    re.IGNORECASE,
)
_KR_HEADER = re.compile(
    r"^(?:#+\s*)?(?:\|?\s*)?(?:kr|key results?)\b[\s:|#\w]*$|^\|?\s*-{3}", re.IGNORECASE
)


def _strip_markup(line: str) -> str:
    line = line.strip()
    line = re.sub(r"\*\*|__", "", line)
    line = re.sub(r"^>\s*", "", line)
    # [text](link) → text; an escaped bracket (`\[`, as a published post writes one) is text
    line = re.sub(r"(?<!\\)\[((?:[^\]\\]|\\.)+)(?<!\\)\]\([^)]*\)", r"\1", line)
    line = re.sub(r"^\|+|(?<!\\)\|+$", "", line.strip()).strip()  # a table's outer bars
    return line


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def unescape_markdown(text: str) -> str:
    """Backslash escapes of ASCII punctuation (CommonMark's) taken off: `\\*` reads as `*`, as a
    published post (`okrs publish`) writes user text."""
    return _ESCAPED.sub(r"\1", text)


def _kr_code(number: str | None, objective: DocumentObjective) -> str:
    if not number:
        return f"KR{len(objective.key_results) + 1}"
    return f"KR{number.split('.')[-1]}"


def _indent(raw: str) -> int:
    spaces = len(raw) - len(raw.lstrip(" \t"))
    return spaces + raw[:spaces].count("\t") * 3


def _kr_like(text: str) -> bool:
    """A nested item that reads as a KR, not as a detail of its parent."""
    line = _strip_markup(text)
    bullet = _BULLET.match(line)
    body = bullet.group("text") if bullet else line
    if _KR.match(body) or _TEAM_KR.match(body):
        return True
    return len(body.split()) >= 5 and not _DETAIL.match(body)


def _labelled_kr(text: str) -> bool:
    line = _strip_markup(text)
    bullet = _BULLET.match(line)
    body = bullet.group("text") if bullet else line
    return bool(_KR.match(body) or _TEAM_KR.match(body))


class _Reader:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.objectives: list[DocumentObjective] = []
        self.current: DocumentObjective | None = None
        self.open = False
        self.unplaced: list[tuple[int, str]] = []
        # nested lists: the indent of the list item that is the current objective, and of
        # the KR whose nested items are details
        self.stack: list[tuple[int, DocumentObjective]] = []  # list items that are objectives
        self.outer: DocumentObjective | None = None  # the objective around the list
        self.list_kr: int | None = None
        self.table: dict[str, int] | None = None

    def _carries_krs(self, text: str, number: int) -> bool:
        """A nested item that is more than a detail: labelled, or over labelled KRs."""
        if _OBJECTIVE.match(text) or _labelled_kr(text):
            return True
        return any(_labelled_kr(c) for c in self.children(number))

    def children(self, number: int) -> list[str]:
        """The list items nested under the list item on line ``number`` (1-based)."""
        own = _indent(self.lines[number - 1])
        found = []
        for raw in self.lines[number:]:
            if not raw.strip():
                continue
            depth = _indent(raw)
            if depth <= own:
                break
            if _BULLET.match(_strip_markup(raw)):
                found.append(raw)
        return found

    def objective(self, code: str, title: str, line: int, *, labelled: bool) -> None:
        self.current = DocumentObjective(
            code=code, title=unescape_markdown(title.strip()), line=line, labelled=labelled
        )
        self.objectives.append(self.current)
        self.open = True

    def kr(self, number: str | None, text: str, line: int) -> None:
        if self.current is None:
            self.unplaced.append((line, text.strip()))
            return
        self.current.key_results.append(
            DocumentKR(
                code=_kr_code(number, self.current),
                text=unescape_markdown(_RESULT_NOTE.sub("", text).strip()),
                line=line,
            )
        )
        self.open = True

    def read(self, raw: str, number: int) -> None:
        if raw.strip().startswith("|"):
            self._table_row(raw, number)
            return
        self.table = None
        line = _strip_markup(raw)
        if not line:
            return
        heading = _HEADING.match(line)
        body = _strip_markup(heading.group("text")) if heading else line
        bullet = _BULLET.match(body) if not heading else None
        inner = bullet.group("text") if bullet else body
        depth = _indent(raw)
        if heading:
            self.stack.clear()
            self.list_kr = None
        if bullet and self.list_kr is not None:
            if depth > self.list_kr and not self._carries_krs(inner, number):
                return  # a detail of the KR above ("October: 55,583 sessions")
            self.list_kr = None
        if bullet and self.stack and depth <= self.stack[-1][0]:
            while self.stack and depth <= self.stack[-1][0]:
                self.stack.pop()
            self.current = self.stack[-1][1] if self.stack else self.outer
            if not self.stack and (self.current is None or not self.current.labelled):
                self.open = False
        if bullet and not (_KR.match(inner) or _TEAM_KR.match(inner)):
            children = self.children(number)
            nested_krs = [c for c in children if _kr_like(c)]
            labelled_krs = any(_labelled_kr(c) for c in children)
            if (
                children
                and len(nested_krs) * 2 > len(children)
                and (not self.stack or labelled_krs)
            ):
                # "1. **CEO: Grow ARR**" over its KRs: the parent is the objective
                label = _OBJECTIVE.match(inner)
                title = (label.group("title") or label.group("bare")) if label else inner
                code = f"O{label.group(1)}" if label and label.group(1) else ""
                if not self.stack:
                    self.outer = self.current
                self.objective(
                    code or f"O{len(self.objectives) + 1}", title, number, labelled=bool(code)
                )
                assert self.current is not None
                self.stack.append((depth, self.current))
                return
        if self._labelled(inner, number):
            if bullet and self.children(number):
                self.list_kr = depth
            return
        if bullet and (self.stack or self.open) and self.current is not None:
            self.kr(None, bullet.group("text"), number)
            if self.children(number):
                self.list_kr = depth
        elif bullet and self.current is None and _kr_like(bullet.group("text")):
            self.unplaced.append((number, bullet.group("text").strip()))
        elif (
            heading
            and not _KR_HEADER.match(body)
            and not _NOT_OBJECTIVE.search(body)
            and not body.endswith("?")
        ):
            title = re.sub(r"^\d+[.)]\s+", "", body)  # "### 1. CEO: IACV"
            self.objective(f"O{len(self.objectives) + 1}", title, number, labelled=False)
        elif _KR_HEADER.match(body):
            return
        elif heading:
            self.current, self.open = None, False
        elif depth == 0 and not self.stack:
            self.open = False

    def _labelled(self, text: str, number: int) -> bool:
        match = _OBJECTIVE.match(text)
        if match and not _KR.match(text):
            code = f"O{match.group(1)}" if match.group(1) else f"O{len(self.objectives) + 1}"
            self.objective(code, match.group("title") or match.group("bare"), number, labelled=True)
            return True
        kr = (
            _KR.match(text)
            or _TEAM_KR.match(text)
            or (_DOTTED.match(text) if self.current is not None else None)
        )
        if kr:
            self.kr(kr.group("num"), kr.group("text"), number)
            return True
        return False

    def _table_row(self, raw: str, number: int) -> None:
        cells = [_strip_markup(c) for c in raw.strip().strip("|").split("|")]
        if all(re.fullmatch(r":?-{2,}:?", c.strip()) for c in cells if c.strip()):
            return  # the |---| line
        if self.table is None:  # the header row names the columns
            names = [c.lower() for c in cells]
            kr = next((i for i, n in enumerate(names) if re.search(r"key result|^krs?\b", n)), None)
            objective = next((i for i, n in enumerate(names) if "objective" in n), None)
            if kr is not None or objective is not None:
                self.table = {
                    "kr": kr if kr is not None else -1,
                    "objective": objective if objective is not None else -1,
                }
                return
            self.table = {"kr": 0, "objective": -1}
        if self.table["objective"] >= 0 and self.table["objective"] < len(cells):
            title = cells[self.table["objective"]].strip()
            if title:
                label = _OBJECTIVE.match(title)
                code = f"O{label.group(1)}" if label and label.group(1) else ""
                text = (label.group("title") or label.group("bare")) if label else title
                if self.current is None or self.current.title != text.strip():
                    self.objective(
                        code or f"O{len(self.objectives) + 1}", text, number, labelled=bool(code)
                    )
        column = self.table["kr"]
        if 0 <= column < len(cells) and cells[column].strip():
            sentence = cells[column].strip()
            label_kr = _KR.match(sentence)
            if label_kr:
                self.kr(label_kr.group("num"), label_kr.group("text"), number)
            else:
                self.kr(None, sentence, number)


_HTML = re.compile(r"<(?:h[1-6]|p|ul|ol|li|div|br|table)\b", re.IGNORECASE)
_BLOCK_TAG = re.compile(
    r"<(?:br\s*/?|/?(?:h[1-6]|p|ul|ol|li|div|tr|table|blockquote))\b[^>]*>", re.I
)


def html_to_text(text: str) -> str:
    """Block elements become lines, other tags vanish, entities are decoded."""
    text = _BLOCK_TAG.sub("\n", text)
    text = re.sub(r"<[^>]*>", "", text)
    return html.unescape(text)


def parse_document(text: str) -> list[DocumentObjective]:
    """The objectives of an OKR document, each with its KR lines (see the module docstring)."""
    return read_document(text).objectives


def read_document(text: str) -> Document:
    """The objectives of an OKR document and the KR-like lines it could not place.

    An HTML document is read as its text, one line per block element.
    """
    if _HTML.search(text):
        text = html_to_text(text)
    lines = text.splitlines()
    reader = _Reader(lines)
    for number, raw in enumerate(lines, start=1):
        reader.read(raw, number)
    kept = [o for o in reader.objectives if o.labelled or o.key_results]
    for index, objective in enumerate(kept, start=1):
        if not objective.labelled:
            objective.code = f"O{index}"
    _dedupe_codes(kept)
    return Document(objectives=kept, unplaced=reader.unplaced)


def _dedupe_codes(objectives: list[DocumentObjective]) -> None:
    seen: set[str] = set()
    for index, objective in enumerate(objectives, start=1):
        if objective.code in seen:
            objective.code = f"O{index}"
        seen.add(objective.code)
        kr_seen: set[str] = set()
        for kr_index, kr in enumerate(objective.key_results, start=1):
            if kr.code in kr_seen:
                kr.code = f"KR{kr_index}"
            kr_seen.add(kr.code)


def parse_okrs(text: str, period: Period) -> list[ParsedObjective]:
    """``parse_document`` with every KR sentence read by ``parse_kr`` for ``period``."""
    return [
        ParsedObjective(
            code=o.code,
            title=o.title,
            line=o.line,
            key_results=tuple((kr, parse_kr(kr.text, period)) for kr in o.key_results),
        )
        for o in parse_document(text)
    ]
