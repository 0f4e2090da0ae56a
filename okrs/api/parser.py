"""The API's JSON body parser: strict JSON as `okrs.core.values.loads_json` reads it (no NaN or
Infinity, no number beyond a float, nested at most MAX_JSON_DEPTH deep), so a hostile body is a
400, never a 500 or a NaN stored."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.parser import Parser

from okrs.core.values import loads_json


class StrictJsonParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        return loads_json(request.body)
