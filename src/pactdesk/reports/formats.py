"""An attainment report as JSON (for programs), a text table (for people) and CSV.

Durations are whole seconds in JSON and CSV; percentages are strings with two decimals
in JSON ("91.18"), null when nothing is decided; the table shows "—" then.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from pactdesk.reports.figures import PROJECTION_HELP, Projection, TargetFigures, Times
from pactdesk.reports.selectors import AttainmentReport, ClientSummary

NO_PERCENT = "—"
METRIC_WORDS = {
    "first_response": "First response",
    "effective_answer": "Effective answer",
    "next_reply": "Next reply",
}
CSV_COLUMNS = [
    "metric",
    "priority",
    "target_seconds",
    "goal",
    "met",
    "missed",
    "in_flight",
    "not_applicable",
    "percent",
    "reached",
    "breach_budget",
    "responded",
    "open_p50",
    "open_p90",
    "open_max",
    "wall_p50",
    "wall_p90",
    "wall_max",
]


def report_as_dict(report: AttainmentReport) -> dict[str, object]:
    """The report as JSON-ready data (the API's and `--json`'s answer)."""
    period = report.period
    return {
        "client": report.client.slug,
        "agreement": report.agreement.pk,
        "timezone": period.timezone,
        "period": {
            "label": period.spec.label,
            "kind": "month" if period.spec.is_month else "range",
            "first_day": period.spec.first.isoformat(),
            "last_day": period.spec.last.isoformat(),
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        "as_of": report.now.isoformat(),
        "tickets": report.tickets,
        "empty": report.is_empty,
        "targets": [target_as_dict(t) for t in report.targets],
        "excluded": [
            {
                "ticket": f"PD-{e.ticket_id}",
                "subject": e.subject,
                "lodged_at": e.lodged_at.isoformat(),
                "kind": e.kind,
                "reason": e.reason,
            }
            for e in report.excluded
        ],
        # `agents` predates `by`: kept for by=agent, empty otherwise.
        "agents": {
            agent or "unassigned": [target_as_dict(t) for t in figures]
            for agent, figures in (report.groups.items() if report.by == "agent" else ())
        },
        "by": report.by,
        "groups": [
            {"group": label or "unassigned", "targets": [target_as_dict(t) for t in figures]}
            for label, figures in report.groups.items()
        ],
        "projection_method": PROJECTION_HELP if report.is_current else None,
    }


def target_as_dict(figures: TargetFigures) -> dict[str, object]:
    return {
        "metric": figures.metric,
        "priority": figures.priority,
        "target_seconds": _seconds(figures.duration),
        "goal": str(figures.goal),
        "met": figures.met,
        "missed": figures.missed,
        "in_flight": figures.in_flight,
        "not_applicable": figures.not_applicable,
        "percent": _percent(figures.percent),
        "reached": figures.reached,
        "breach_budget": figures.breach_budget,
        "responded": figures.responded,
        "open_time": _times(figures.open_time),
        "wall_time": _times(figures.wall_time),
        "projection": _projection(figures.projection),
    }


def report_table(report: AttainmentReport) -> str:
    """The report for people, as fixed-width text."""
    period = report.period
    lines = [
        f"Attainment of {report.client.name} for {period.spec.label} ({period.timezone}), "
        f"as of {report.now.isoformat(timespec='minutes')}",
        f"{report.tickets} valid tickets; {len(report.excluded)} invalid or merged (not counted).",
    ]
    if report.is_empty:
        lines.append("No valid tickets were lodged in this period: no figures yet.")
    header = (
        f"{'Target':<34} {'Goal':>6} {'Met':>5} {'Missed':>6} {'Flight':>6} {'N/A':>5}"
        f" {'Attained':>9} {'Reached':>7} {'Budget':>6}  Open p50/p90/max · wall p50/p90/max"
    )
    lines += ["", header, "-" * len(header)]
    for figures in report.targets:
        lines.append(_row(figures))
    if report.is_current:
        lines += ["", "Month-end projection:"]
        for figures in report.targets:
            forecast = figures.projection
            if forecast is None:
                lines.append(f"  {_name(figures):<34} too early to project")
                continue
            lines.append(
                f"  {_name(figures):<34} expected {_show(forecast.percent)} "
                f"(range {_show(forecast.percent_low)}–{_show(forecast.percent_high)}), "
                f"~{forecast.expected_remaining} more tickets, "
                f"{forecast.breach_budget} of the "
                f"{figures.in_flight + forecast.expected_remaining} still to decide may miss"
            )
        lines.append("  " + PROJECTION_HELP)
    if report.groups:
        lines += ["", f"Per {report.by}:"]
        for agent, group in report.groups.items():
            lines.append(f"  {agent or 'unassigned'}")
            lines += ["    " + _row(figures) for figures in group]
    if report.excluded:
        lines += ["", "Not counted:"]
        for item in report.excluded:
            lines.append(f"  PD-{item.ticket_id} {item.kind}: {item.reason} — {item.subject}")
    return "\n".join(lines) + "\n"


def report_csv(report: AttainmentReport) -> str:
    """One line per target (and per group and target, with the group in the first column,
    headed by the grouping: agent, seat or pool)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([report.by or "agent", *CSV_COLUMNS])
    groups = [("all", report.targets)]
    groups += [(agent or "unassigned", figures) for agent, figures in report.groups.items()]
    for agent, figures_list in groups:
        for figures in figures_list:
            row = _flat(target_as_dict(figures))
            writer.writerow([csv_text(agent), *(row[name] for name in CSV_COLUMNS)])
    return out.getvalue()


def tickets_csv(rows: list[dict[str, object]]) -> str:
    """The ticket list of a report (rows of `report_ticket_rows`)."""
    out = io.StringIO()
    if not rows:
        out.write("ticket,lodged_at,priority,assignee,counted,reason\n")
        return out.getvalue()
    extra = [name for name in rows[0] if name.endswith("_state") or name.startswith("sla_")]
    writer = csv.writer(out)
    writer.writerow(["ticket", "lodged_at", "priority", "assignee", "counted", "reason", *extra])
    for row in rows:
        merged = row["merged_into_id"]
        counted = row["is_valid"] and merged is None
        reason = f"merged into PD-{merged}" if merged is not None else row["invalid_reason"]
        writer.writerow(
            [
                f"PD-{row['id']}",
                _iso(row["lodged_at"]),
                row["priority"],
                csv_text(str(row["assignee__name"] or "")),
                "yes" if counted else "no",
                csv_text(str(reason)),
                *(_cell(row[name]) for name in extra),
            ]
        )
    return out.getvalue()


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: str) -> str:
    """A free-text cell (a name, a reason someone typed) that a spreadsheet will not
    run: one starting like a formula ("=HYPERLINK(...)", "+1", "@SUM") gets a leading
    apostrophe (OWASP's advice for CSV injection). Numbers are not passed here."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _row(figures: TargetFigures, *, times: bool = True) -> str:
    reached = {None: NO_PERCENT, True: "yes", False: "no"}[figures.reached]
    row = (
        f"{_name(figures):<34} {_goal(figures.goal):>5}% {figures.met:>5} "
        f"{figures.missed:>6} {figures.in_flight:>6} {figures.not_applicable:>5} "
        f"{_show(figures.percent):>9} {reached:>7} {figures.breach_budget:>6}"
    )
    if not times:
        return row
    return f"{row}  {_durations(figures.open_time)} · {_durations(figures.wall_time)}"


def _durations(times: Times) -> str:
    return " ".join(_short(value) for value in (times.p50, times.p90, times.max))


def _goal(goal: Decimal) -> str:
    return str(goal.quantize(Decimal(1))) if goal == goal.to_integral() else str(goal)


def _name(figures: TargetFigures) -> str:
    scope = figures.priority or "default"
    return f"{METRIC_WORDS[figures.metric]} ≤ {_short(figures.duration)} ({scope})"


def _short(value: timedelta | None) -> str:
    if value is None:
        return NO_PERCENT
    minutes = int(value.total_seconds()) // 60
    if minutes < 60:
        return f"{minutes}m"
    hours, rest = divmod(minutes, 60)
    return f"{hours}h{rest:02d}" if hours < 48 else f"{hours // 24}d{hours % 24:02d}h"


def _show(value: Decimal | None) -> str:
    return NO_PERCENT if value is None else f"{value:.2f}%"


def _percent(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _seconds(value: timedelta | None) -> int | None:
    return None if value is None else int(value.total_seconds())


def _times(times: Times) -> dict[str, int | None]:
    return {"p50": _seconds(times.p50), "p90": _seconds(times.p90), "max": _seconds(times.max)}


def _projection(forecast: Projection | None) -> dict[str, object] | None:
    if forecast is None:
        return None
    return {
        "elapsed": str(forecast.elapsed),
        "expected_total": forecast.expected_total,
        "expected_remaining": forecast.expected_remaining,
        "percent": _percent(forecast.percent),
        "percent_low": _percent(forecast.percent_low),
        "percent_high": _percent(forecast.percent_high),
        "breach_budget": forecast.breach_budget,
    }


def _iso(value: Any) -> str:
    return str(value.isoformat())


def _flat(data: dict[str, Any]) -> dict[str, object]:
    flat = dict(data)
    for measure in ("open", "wall"):
        for stat, value in data[f"{measure}_time"].items():
            flat[f"{measure}_{stat}"] = "" if value is None else value
    flat["percent"] = data["percent"] or ""
    flat["reached"] = {None: "", True: "yes", False: "no"}[data["reached"]]
    flat["priority"] = data["priority"] or ""
    return flat


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, timedelta):
        return int(value.total_seconds())
    return value


def summary_as_dict(summary: list[ClientSummary]) -> dict[str, object]:
    """The provider-wide summary as JSON-ready data."""
    return {
        "clients": [
            {
                "client": item.client.slug,
                "timezone": item.period.timezone,
                "period": item.period.spec.label,
                "targets": [_counts_only(target_as_dict(t)) for t in item.targets],
            }
            for item in summary
        ]
    }


def summary_table(summary: list[ClientSummary]) -> str:
    """Every client's targets, one line each."""
    if not summary:
        return "No client has an agreement in this period.\n"
    labels = sorted({item.period.spec.label for item in summary})
    lines = [
        f"Attainment of every client for {' / '.join(labels)} (each in its agreement's time zone)",
        "",
    ]
    for item in summary:
        where = item.period.timezone
        if len(labels) > 1:  # the current month differs across zones around midnight
            where = f"{item.period.spec.label}, {where}"
        lines.append(f"{item.client.name} ({where})")
        lines += ["  " + _row(figures, times=False) for figures in item.targets]
    return "\n".join(lines) + "\n"


def _counts_only(data: dict[str, object]) -> dict[str, object]:
    return {
        k: v
        for k, v in data.items()
        if k not in ("open_time", "wall_time", "responded", "projection")
    }
