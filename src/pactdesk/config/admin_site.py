"""Django's admin, for provider admins only (`User.is_staff`).

Django answers anyone else who is logged in with its login form and "You are
authenticated as …, but are not authorized to access this page. Would you like to
login to a different account?". Here every admin page answers such a user with a 403
page in the desk's own layout that says who the pages are for and where to go instead.
Anonymous visitors still get the admin's login form.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Any

from django.contrib.admin import AdminSite
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers


class PactdeskAdminSite(AdminSite):
    site_header = "Pactdesk administration"
    site_title = "Pactdesk admin"

    def admin_view(self, view: Callable[..., Any], cacheable: bool = False) -> Any:
        guarded = super().admin_view(view, cacheable)

        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if self._refuses(request):
                return self.refused(request)
            return guarded(request, *args, **kwargs)  # type: ignore[no-any-return]

        return update_wrapper(inner, guarded)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        if self._refuses(request):
            return self.refused(request)
        return super().login(request, extra_context)

    def refused(self, request: HttpRequest) -> HttpResponse:
        response = render(request, "web/admin_refused.html", status=403)
        add_never_cache_headers(response)
        return response

    def _refuses(self, request: HttpRequest) -> bool:
        return request.user.is_authenticated and not self.has_permission(request)
