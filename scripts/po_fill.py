"""Fill or regenerate the msgstr of a gettext catalog (okrs/locale/*/LC_MESSAGES/django.po).

    python scripts/po_fill.py pseudo okrs/locale/qps_Rtl/LC_MESSAGES/django.po
        every message as the right-to-left pseudo-locale says it: accented, a third longer,
        placeholders and HTML kept; it checks the layout (dir="rtl", longer words), no reader
        uses it
    python scripts/po_fill.py dict FILE.po TRANSLATIONS.py
        msgstr from a dict `T` (msgid, (context, msgid) or (msgid, plural index) → text)

Then `okrs compilemessages` (GNU gettext's msgfmt) writes the .mo files, which are committed.
"""

from __future__ import annotations

import ast
import re
import runpy
import sys
from collections.abc import Callable
from pathlib import Path

ACCENTS = str.maketrans("aeiouyAEIOUYcnsz", "áéíóúýÁÉÍÓÚÝçñšž")
KEEP = re.compile(r"(%\([A-Za-z_0-9]+\)s|%%|<[^>]*>|&[a-z]+;)")


def pseudo(text: str) -> str:
    parts = KEEP.split(text)
    out = "".join(p if KEEP.fullmatch(p) else p.translate(ACCENTS) for p in parts)
    letters = sum(c.isalpha() for c in text)
    return f"‏{out} {'·' * max(1, letters // 3)}‏" if letters else text


def _unquote(line: str) -> str:
    return ast.literal_eval(line)  # a .po string is a C string literal, as Python's


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def fill(
    path: Path,
    translate: Callable[[str | None, str, int | None], str | None],
    plural_text: bool = False,
) -> int:
    """Rewrite every msgstr of `path` with `translate(context, msgid, plural_index)`; returns how
    many were left empty (translate gave None). The header (empty msgid) is kept, unfuzzied."""
    lines = path.read_text(encoding="utf-8").split("\n")
    out: list[str] = []
    context: str | None = None
    msgid = plural = ""
    field = ""
    missing = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("msgctxt "):
            context, field = _unquote(line[8:]), "ctx"
        elif line.startswith("msgid "):
            msgid, field = _unquote(line[6:]), "id"
        elif line.startswith("msgid_plural "):
            plural, field = _unquote(line[13:]), "plural"
        elif line.startswith('"') and field == "plural":
            plural += _unquote(line)
        elif line.startswith('"') and field == "id":
            msgid += _unquote(line)
        elif line.startswith("msgstr") and msgid:
            index = None
            match = re.match(r"msgstr\[(\d+)\]", line)
            if match:
                index = int(match.group(1))
            while i + 1 < len(lines) and lines[i + 1].startswith('"'):
                i += 1  # drop the old continuation lines
            # with plural_text, the plural forms after the first are made from msgid_plural
            text = translate(context, plural if plural_text and index else msgid, index)
            if text is None:
                missing += 1
                text = ""
            key = f"msgstr[{index}]" if index is not None else "msgstr"
            out.append(f"{key} {_quote(text)}")
            if not (i + 1 < len(lines) and lines[i + 1].startswith("msgstr[")):
                context, msgid, plural, field = None, "", "", ""
            i += 1
            continue
        if line.startswith("#|"):
            i += 1  # msgmerge's note of the previous msgid: every msgstr is written anew
            continue
        if line.startswith("#,") and "fuzzy" in line:
            line = re.sub(r",? fuzzy", "", line)  # nor is any a guess any more
            if line.strip() == "#,":
                i += 1
                continue
        out.append(line)
        i += 1
    text = "\n".join(out).replace('#, fuzzy\nmsgid ""\nmsgstr ""', 'msgid ""\nmsgstr ""', 1)
    path.write_text(text, encoding="utf-8")
    return missing


def main() -> None:
    mode, po = sys.argv[1], Path(sys.argv[2])
    if mode == "pseudo":
        missing = fill(po, lambda ctx, msgid, index: pseudo(msgid), plural_text=True)
    else:
        table = runpy.run_path(sys.argv[3])["T"]

        def look(ctx: str | None, msgid: str, index: int | None) -> str | None:
            if ctx is not None:
                return table.get((ctx, msgid))
            if index is not None:
                return table.get((msgid, index))
            return table.get(msgid)

        missing = fill(po, look)
    print(f"{po}: {missing} left untranslated")
    sys.exit(1 if missing else 0)


if __name__ == "__main__":
    main()
