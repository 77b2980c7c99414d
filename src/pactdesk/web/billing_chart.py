"""A bar chart of monthly recurring revenue as inline SVG: no script, no style attribute
(the CSP allows neither inline), readable without colour (each bar carries its value)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from pactdesk.billing.selectors import MrrPoint

WIDTH, HEIGHT, TOP, BOTTOM, LEFT = 720, 240, 24, 36, 8


def bar_chart(points: Sequence[MrrPoint], currency: str) -> SafeString:
    """One bar per month, scaled to the largest; each labelled with its amount."""
    peak = max((point.amount for point in points), default=0) or 1
    step = (WIDTH - 2 * LEFT) / max(len(points), 1)
    usable = HEIGHT - TOP - BOTTOM
    bars = []
    for n, point in enumerate(points):
        height = float(point.amount / peak) * usable
        x = LEFT + n * step
        y = TOP + usable - height
        bars.append(
            (
                f"{x + step * 0.15:.1f}",
                f"{y:.1f}",
                f"{step * 0.7:.1f}",
                f"{height:.1f}",
                f"{point.month:%b %Y}: {point.amount:,} {currency}",
                f"{x + step / 2:.1f}",
                f"{max(y - 4, 12):.1f}",
                f"{point.amount:,.0f}",
                f"{HEIGHT - BOTTOM + 16:.1f}",
                f"{point.month:%b %y}",
            )
        )
    body = format_html_join(
        "",
        '<g><title>{}</title><rect x="{}" y="{}" width="{}" height="{}" fill="#2f5fd0"></rect>'
        '<text x="{}" y="{}" text-anchor="middle" font-size="10">{}</text>'
        '<text x="{}" y="{}" text-anchor="middle" font-size="10" fill="#555">{}</text></g>',
        ((b[4], b[0], b[1], b[2], b[3], b[5], b[6], b[7], b[5], b[8], b[9]) for b in bars),
    )
    return format_html(
        '<svg class="mrr-chart" viewBox="0 0 {} {}" role="img" aria-label="{}">{}'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#999"></line></svg>',
        WIDTH,
        HEIGHT,
        f"Monthly recurring revenue in {currency}",
        body,
        LEFT,
        HEIGHT - BOTTOM,
        WIDTH - LEFT,
        HEIGHT - BOTTOM,
    )
