"""Words for report figures on pages."""

from __future__ import annotations

from django import template

from pactdesk.reports.charts import target_label
from pactdesk.reports.figures import TargetFigures

register = template.Library()


@register.filter
def target_name(figures: TargetFigures) -> str:
    """ "First response ≤ 30m", "First response ≤ 15m · urgent"."""
    return target_label(
        metric=figures.metric,
        priority=figures.priority,
        seconds=int(figures.duration.total_seconds()),
    )
