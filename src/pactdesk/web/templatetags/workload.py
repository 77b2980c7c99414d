"""Filters of the workload page: durations and ratios as people read them."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def hours_minutes(seconds: int) -> str:
    """Seconds as "2 h 05 min", "45 min", "0 min" (whole minutes, rounded down)."""
    hours, minutes = divmod(int(seconds) // 60, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


@register.filter
def percent(ratio: float | None) -> str:
    """A ratio as a whole percentage, halves up ("12.5 %" reads "13 %"), "—" for None."""
    return "—" if ratio is None else f"{int(ratio * 100 + 0.5)} %"
