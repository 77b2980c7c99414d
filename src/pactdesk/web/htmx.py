"""htmx on the server side: is this a partial request, and how to answer one."""

from __future__ import annotations

from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    """True for a request htmx made (it swaps a fragment, not the whole page)."""
    return request.headers.get("HX-Request") == "true"
