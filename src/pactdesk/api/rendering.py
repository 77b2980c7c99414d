"""JSON out through pydantic-core (Rust): the answers are already validated plain data,
and the standard library encoder with Django's datetime hook was a fifth of the time of
a list page. Datetimes are ISO 8601 with microseconds and `Z` for UTC."""

from __future__ import annotations

from typing import Any

import pydantic_core
from django.http import HttpRequest
from ninja.renderers import BaseRenderer


class FastJSONRenderer(BaseRenderer):
    media_type = "application/json"

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> bytes:
        return pydantic_core.to_json(data, fallback=str)
