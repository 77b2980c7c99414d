"""The report's charts: Vega-Lite specifications (built with Altair) rendered to SVG
offline by vl-convert, the same SVG inline in the pages and in the PDF.

Every chart is drawn from the JSON form of the series (`Series.as_dict`), the form a
monthly report stores, so a stored month draws the same charts whenever it is opened.
No JavaScript runs in the browser, nothing is fetched: the SVG carries no script and no
style attribute (the Content-Security-Policy allows none), only presentation attributes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pactdesk.reports.series import SeriesJson

Spec = dict[str, object]  # a Vega-Lite specification as JSON

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
METRIC_WORDS = {
    "first_response": "First response",
    "effective_answer": "Effective answer",
    "next_reply": "Next reply",
}
WIDTH = 560
HEIGHT = 200
GOAL_COLOUR = "#b42318"
BAR_COLOUR = "#2f5d8a"
# Ticks at midnights only: a short month-so-far otherwise labels hours "02 Nov, 02 Nov".
DAY_AXIS: dict[str, object] = {"format": "%d %b", "labelAngle": 0, "tickCount": "day"}


def target_label(*, metric: str, priority: str | None, seconds: int) -> str:
    """ "First response ≤ 30m" (a default target) or "… ≤ 15m · urgent"."""
    label = f"{METRIC_WORDS.get(metric, metric)} ≤ {duration_words(seconds)}"
    return label if not priority else f"{label} · {priority}"


def _label(target: Any) -> str:
    return target_label(
        metric=target["metric"], priority=target["priority"], seconds=target["duration_seconds"]
    )


def duration_words(seconds: int) -> str:
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes}m"
    hours, rest = divmod(minutes, 60)
    return f"{hours}h" if rest == 0 else f"{hours}h{rest:02d}"


def chart_svgs(series: SeriesJson) -> dict[str, str]:
    """{name: SVG text} for the four charts; a chart with nothing to draw is left out
    (the page says so instead)."""
    import vl_convert  # imported where used: it loads a JavaScript engine

    specs = chart_specs(series)
    return {name: vl_convert.vegalite_to_svg(spec) for name, spec in specs.items() if spec}


def chart_specs(series: SeriesJson) -> dict[str, Spec | None]:
    """The Vega-Lite specifications (JSON dicts) of the four charts."""
    return {
        "daily": daily_attainment(series),
        "first_response": first_response_distribution(series),
        "hour_of_week": hour_of_week(series),
        "burn_down": burn_down(series),
    }


def daily_attainment(series: SeriesJson) -> Spec | None:
    """Each target's attainment per local day (the tickets lodged that day), with each
    distinct goal as one dashed, labelled line (`goal_rules`)."""
    import altair as alt

    rows = [
        {"day": point["day"], "percent": point["percent"], "target": _label(target)}
        for target in series["targets"]
        for point in target["days"]
        if point["percent"] is not None
    ]
    if not rows:
        return None
    colour = alt.Color("target:N", title=None, legend=alt.Legend(orient="bottom", columns=2))
    lines = (
        alt.Chart(alt.Data(values=rows))
        .mark_line(point=True)
        .encode(
            x=alt.X("day:T", title=None, axis=DAY_AXIS),
            y=alt.Y("percent:Q", title="% met", scale=alt.Scale(domain=[0, 100])),
            color=colour,
        )
    )
    goals = alt.Chart(alt.Data(values=goal_rules(series)))
    rules = goals.mark_rule(color=GOAL_COLOUR, strokeDash=[6, 4]).encode(y="goal:Q")
    words = [
        goals.transform_filter(f"datum.below == {str(below).lower()}")
        .mark_text(
            align="right",
            baseline="top" if below else "bottom",
            dx=-2,
            dy=3 if below else -3,
            color=GOAL_COLOUR,
            fontSize=11,
        )
        .encode(y="goal:Q", x=alt.value(WIDTH), text="label:N")
        for below in (False, True)
    ]
    return _finish(alt.layer(lines, rules, *words), title="Daily attainment against the goal")


def goal_rules(series: SeriesJson) -> list[dict[str, object]]:
    """One goal line per distinct goal, in the goal colour (never a target's: equal goals
    drew lines in several colours over each other), labelled "goal 90%"; when the
    targets' goals differ, each label names its targets ("goal 95%: First response
    ≤ 30m"). The lowest of several goals has its label under its line (`below`), so two
    close goals' labels do not overlap."""
    by_goal: dict[float, list[str]] = {}
    for target in series["targets"]:
        by_goal.setdefault(float(target["goal"]), []).append(_label(target))
    alone = len(by_goal) == 1
    return [
        {
            "goal": goal,
            "label": f"goal {goal:g}%" if alone else f"goal {goal:g}%: {', '.join(labels)}",
            "below": not alone and rank == 0,
        }
        for rank, (goal, labels) in enumerate(sorted(by_goal.items()))
    ]


def first_response_distribution(series: SeriesJson) -> Spec | None:
    """How many first responses took each slice of open time, the target marked."""
    import altair as alt

    target = series["first_response_target_seconds"]
    if target is None or not series["first_response"]:
        return None
    width = series["bucket_seconds"] / 60
    rows = [
        {"from": bucket * width, "to": (bucket + 1) * width, "tickets": tickets}
        for bucket, tickets in series["first_response"]
    ]
    bars = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar(color=BAR_COLOUR)
        .encode(
            x=alt.X("from:Q", title="first response, minutes of open time"),
            x2="to:Q",
            y=alt.Y("tickets:Q", title="tickets"),
            y2=alt.datum(0),
        )
    )
    mark = alt.Chart(alt.Data(values=[{"target": target / 60}])).mark_rule(
        color=GOAL_COLOUR, strokeWidth=2
    )
    mark = mark.encode(x="target:Q")
    title = f"First responses (target {duration_words(target)}; the last bar holds the rest)"
    return _finish(alt.layer(bars, mark), title=title)


def hour_of_week(series: SeriesJson) -> Spec | None:
    """Tickets lodged per local weekday and hour."""
    import altair as alt

    if not series["hour_of_week"]:
        return None
    counts = {(weekday, hour): n for weekday, hour, n in series["hour_of_week"]}
    rows = [
        {"weekday": WEEKDAYS[weekday - 1], "hour": hour, "tickets": counts.get((weekday, hour), 0)}
        for weekday in range(1, 8)
        for hour in range(24)
    ]
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_rect()
        .encode(
            x=alt.X("hour:O", title=f"hour ({series['timezone']})", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("weekday:O", title=None, sort=list(WEEKDAYS)),
            color=alt.Color("tickets:Q", scale=alt.Scale(scheme="blues"), title="tickets"),
        )
    )
    return _finish(chart, title="Volume by hour of the week", height=170)


def burn_down(series: SeriesJson) -> Spec | None:
    """Each target's breach budget through the month: the misses it may still take."""
    import altair as alt

    rows = []
    for target in series["targets"]:
        if not any(p["met"] + p["missed"] + p["in_flight"] for p in target["days"]):
            continue  # a target with no ticket this month has nothing to burn
        label = _label(target)
        # The allowance at the first midnight, then each day's value at its end.
        rows.append(
            {"day": target["days"][0]["day"], "remaining": target["allowance"], "target": label}
        )
        rows += [
            {"day": _next_day(point["day"]), "remaining": point["remaining"], "target": label}
            for point in target["days"]
        ]
    if not rows:
        return None
    lines = (
        alt.Chart(alt.Data(values=rows))
        .mark_line(interpolate="step-after", point=True)
        .encode(
            x=alt.X("day:T", title=None, axis=DAY_AXIS),
            y=alt.Y("remaining:Q", title="misses still allowed"),
            color=alt.Color("target:N", title=None, legend=alt.Legend(orient="bottom", columns=2)),
        )
    )
    zero = alt.Chart(alt.Data(values=[{"zero": 0}])).mark_rule(color=GOAL_COLOUR).encode(y="zero:Q")
    return _finish(alt.layer(lines, zero), title="Breach budget burning down")


def _next_day(day: str) -> str:
    return date.fromordinal(date.fromisoformat(day).toordinal() + 1).isoformat()


def _finish(chart: Any, *, title: str, height: int = HEIGHT) -> Spec:
    spec: Spec = (
        chart.properties(width=WIDTH, height=height, title=title)
        .configure_view(stroke=None)
        .configure_axis(labelFontSize=11, titleFontSize=11)
        .configure_title(fontSize=13, anchor="start")
        .to_dict()
    )
    return spec
