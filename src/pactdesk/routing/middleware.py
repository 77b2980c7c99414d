"""Notes staff activity for the idle rule of presence (`services.activity_note`): one
cache read per request of a logged-in member of staff, a cache write at most once a
minute, never a database query."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from pactdesk.platform.clock import clock_now
from pactdesk.routing.services.presence import activity_note


class PresenceActivity:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_provider_staff:
            activity_note(user_id=user.pk, now=clock_now())
        return self.get_response(request)
