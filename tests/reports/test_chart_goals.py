"""The daily attainment chart draws each distinct goal once, in the goal colour, labelled
(equal goals used to draw one line per target, in the targets' colours, over each other)."""

from __future__ import annotations

import re

from pactdesk.reports.charts import GOAL_COLOUR, chart_svgs, goal_rules
from pactdesk.reports.series import SeriesJson, TargetJson


def target(metric: str, goal: float, *, priority: str | None = None) -> TargetJson:
    seconds = 1800 if metric == "first_response" else 4 * 3600
    days = [
        {
            "day": "2026-11-02",
            "met": 9,
            "missed": 1,
            "in_flight": 0,
            "percent": 90.0,
            "remaining": 0,
        },
        {
            "day": "2026-11-03",
            "met": 1,
            "missed": 1,
            "in_flight": 0,
            "percent": 50.0,
            "remaining": 0,
        },
    ]
    return {
        "metric": metric,
        "priority": priority,
        "goal": goal,
        "duration_seconds": seconds,
        "allowance": 1,
        "days": days,  # type: ignore[typeddict-item]
    }


def series(*targets: TargetJson) -> SeriesJson:
    return {
        "timezone": "America/New_York",
        "targets": list(targets),
        "bucket_seconds": 300,
        "first_response_target_seconds": 1800,
        "first_response": [],
        "hour_of_week": [],
        "seats": [],
    }


def test_equal_goals_draw_one_line_labelled_with_the_goal():
    shared = series(target("first_response", 90.0), target("effective_answer", 90.0))

    assert goal_rules(shared) == [{"goal": 90.0, "label": "goal 90%", "below": False}]
    svg = chart_svgs(shared)["daily"]
    assert svg.count(">goal 90%<") == 1
    dashed = re.findall(r'<line[^>]*stroke-dasharray="6,4"[^>]*>', svg)
    assert len(dashed) == 1
    assert f'stroke="{GOAL_COLOUR}"' in dashed[0]


def test_different_goals_draw_a_line_each_naming_its_targets():
    mixed = series(
        target("first_response", 95.5),
        target("effective_answer", 90.0),
        target("first_response", 90.0, priority="urgent"),
    )

    assert goal_rules(mixed) == [
        {
            "goal": 90.0,
            "label": "goal 90%: Effective answer ≤ 4h, First response ≤ 30m · urgent",
            "below": True,  # under its line: clear of the 95.5% label above
        },
        {"goal": 95.5, "label": "goal 95.5%: First response ≤ 30m", "below": False},
    ]
    svg = chart_svgs(mixed)["daily"]
    assert len(re.findall(r'stroke-dasharray="6,4"', svg)) == 2
    assert ">goal 95.5%: First response ≤ 30m<" in svg
