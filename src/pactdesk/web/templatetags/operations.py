"""`{% ops_tabs %}`: the tab bar of the Operations pages, from `web.operations.OPS_TABS`.
Each badge costs one query, and only on the pages that draw the bar."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from pactdesk.web.operations import OPS_TABS

register = template.Library()


@register.inclusion_tag("web/ops/_tabs.html", takes_context=True)
def ops_tabs(context: template.Context, current: str) -> dict[str, Any]:
    tabs = [
        {
            "title": tab.title,
            "url": reverse(tab.url_name),
            "badge": tab.badge() if tab.badge else context.get(tab.badge_context or "-"),
            "current": tab.name == current,
        }
        for tab in OPS_TABS
    ]
    return {"tabs": tabs}
