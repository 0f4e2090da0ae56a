"""What ninja writes for items through their output schema: validated, dumped, rendered. The
list reads that write their rows out as they are (`okrs.api.common.json_page`) are tested to
give these very bytes (the same keys in the same order, numbers of the same kinds, the same
text for times)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from okrs.api.renderer import render_json


def schema_json(schema: type[BaseModel], items: Iterable[Any]) -> bytes:
    return render_json([schema.model_validate(item).model_dump() for item in items])


def written_json(items: Iterable[Any]) -> bytes:
    return render_json(list(items))
