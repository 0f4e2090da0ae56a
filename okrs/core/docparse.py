"""OKR document → objectives and their key results.

Pure rules, no Django. ``parse_document(text)`` reads a plain-text or Markdown OKR post
in the shapes people use and returns its objectives with their KR lines, ignoring the
prose around them:

- labelled lines: "Objective 1 – …", "Objective #2: …", "O1: …", "OKR 1: …", with KRs as
  "KR 1 – …", "KR1.2: …", "KR: …", "Key Result 1.1: …", "1.2 …";
- Markdown: an objective as a heading ("## Grow the community") or a labelled line, its
  KRs as the bullet ("-", "*", "•") or numbered ("1.", "2)") items that follow it.

A KR line always belongs to the objective above it. Bullets count as KRs only while the
objective's list is open: a prose paragraph or a heading that is not an objective (e.g.
"Key activities for OKR 1") closes it, so activity lists are not taken for KRs. A heading
counts as an objective only when KRs follow it. ``parse_okrs(text, period)`` additionally
reads each KR sentence with ``okrs.core.krparse.parse_kr``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from okrs.core.krparse import ParsedKR, Period, parse_kr

__all__ = [
    "DocumentKR",
    "DocumentObjective",
    "ParsedObjective",
    "html_to_text",
    "parse_document",
    "parse_okrs",
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


class _Reader:
    def __init__(self) -> None:
        self.objectives: list[DocumentObjective] = []
        self.current: DocumentObjective | None = None
        self.open = False

    def objective(self, code: str, title: str, line: int, *, labelled: bool) -> None:
        self.current = DocumentObjective(
            code=code, title=unescape_markdown(title.strip()), line=line, labelled=labelled
        )
        self.objectives.append(self.current)
        self.open = True

    def kr(self, number: str | None, text: str, line: int) -> None:
        if self.current is None:
            self.objective(f"O{len(self.objectives) + 1}", "", line, labelled=False)
        assert self.current is not None
        self.current.key_results.append(
            DocumentKR(
                code=_kr_code(number, self.current),
                text=unescape_markdown(text.strip()),
                line=line,
            )
        )
        self.open = True

    def read(self, raw: str, number: int) -> None:
        line = _strip_markup(raw)
        if not line:
            return
        heading = _HEADING.match(line)
        body = _strip_markup(heading.group("text")) if heading else line
        bullet = _BULLET.match(body) if not heading else None
        inner = bullet.group("text") if bullet else body
        if self._labelled(inner, number):
            return
        if bullet and self.open and self.current is not None:
            self.kr(None, bullet.group("text"), number)
        elif (
            heading
            and not _KR_HEADER.match(body)
            and not _NOT_OBJECTIVE.search(body)
            and not body.endswith("?")
        ):
            self.objective(f"O{len(self.objectives) + 1}", body, number, labelled=False)
        elif _KR_HEADER.match(body):
            return
        elif heading:
            self.current, self.open = None, False
        else:
            self.open = False

    def _labelled(self, text: str, number: int) -> bool:
        match = _OBJECTIVE.match(text)
        if match and not _KR.match(text):
            code = f"O{match.group(1)}" if match.group(1) else f"O{len(self.objectives) + 1}"
            self.objective(code, match.group("title") or match.group("bare"), number, labelled=True)
            return True
        kr = _KR.match(text) or (_DOTTED.match(text) if self.current is not None else None)
        if kr:
            self.kr(kr.group("num"), kr.group("text"), number)
            return True
        return False


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
    """The objectives of an OKR document, each with its KR lines (see the module docstring).

    An HTML document is read as its text, one line per block element.
    """
    if _HTML.search(text):
        text = html_to_text(text)
    reader = _Reader()
    for number, raw in enumerate(text.splitlines(), start=1):
        reader.read(raw, number)
    kept = [o for o in reader.objectives if o.labelled or o.key_results]
    for index, objective in enumerate(kept, start=1):
        if not objective.labelled:
            objective.code = f"O{index}"
    _dedupe_codes(kept)
    return kept


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
