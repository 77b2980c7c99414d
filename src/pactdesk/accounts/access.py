"""Who may open the Operations pages, as one view decorator for the entry points that
serve them (`web` the outbox, `api` its own keys): anonymous visitors are sent to log
in; anyone logged in but not a provider admin or manager gets the 403 page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

OPERATORS_ONLY = "The Operations pages are for provider admins and managers."

View = Callable[..., HttpResponse]


def operator_required(view: View) -> View:
    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not getattr(request.user, "is_operator", False):
            raise PermissionDenied(OPERATORS_ONLY)
        return view(request, *args, **kwargs)

    return login_required(guarded)
