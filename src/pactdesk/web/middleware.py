"""Pages answer a NotFound from any selector or service with Django's 404 page: a row
that does not exist and a row the visitor may not see look the same. A ServiceClosed
(a deactivated client's web form or portal) is the "service closed" page, also a
404: the address serves nothing, and the page says why."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from pactdesk.accounts.models import time_zone_known
from pactdesk.platform.errors import NotFound, ServiceClosed


class NotFoundAs404:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFound):
            raise Http404(exception.message) from exception
        if isinstance(exception, ServiceClosed):
            return render(request, "web/closed.html", {"message": exception.message}, status=404)
        return None


TIME_ZONE_COOKIE = "tz"  # set by desk.js from the browser's Intl time zone


class ViewerTimeZone:
    """Pages show times in the viewer's zone: their own setting (`User.time_zone`),
    else the browser's (the `tz` cookie), else UTC. A name that is no IANA zone is
    ignored."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        chosen = getattr(user, "time_zone", "") if user is not None else ""
        zone = chosen or unquote(request.COOKIES.get(TIME_ZONE_COOKIE, ""))
        if time_zone_known(zone):
            timezone.activate(ZoneInfo(zone))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
