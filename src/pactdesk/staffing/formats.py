"""Seat advice and rosters as text tables and JSON (the command line and the pages'
stored figures)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, TypedDict

from pactdesk.staffing.advice import SeatAdviceResult
from pactdesk.staffing.planning import SeatOption
from pactdesk.staffing.rostering import RosterView

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class OptionDict(TypedDict):
    seats: int
    overloaded: bool
    attainment: float
    attainment_low: float
    attainment_high: float
    erlang_attainment: float
    p50_minutes: float | None
    p90_minutes: float | None
    p95_minutes: float | None
    utilisation: float
    follow_up_and_task_share: float
    keeps_promise: bool
    classes: list[dict[str, float | str]]


def option_as_dict(option: SeatOption) -> OptionDict:
    return {
        "seats": option.seats,
        "overloaded": option.overloaded,
        "attainment": round(option.attainment, 4),
        "attainment_low": round(option.attainment_low, 4),
        "attainment_high": round(option.attainment_high, 4),
        "erlang_attainment": round(option.erlang, 4),
        "p50_minutes": option.p50,
        "p90_minutes": option.p90,
        "p95_minutes": option.p95,
        "utilisation": round(option.utilisation, 4),
        "follow_up_and_task_share": round(option.follow_up_share, 4),
        "keeps_promise": option.keeps_promise,
        "classes": [
            {"class": name, "attainment": round(got, 4), "goal": goal}
            for name, got, goal in option.classes
        ],
    }


def advice_as_dict(advice: SeatAdviceResult) -> dict[str, object]:
    """The advice as JSON-ready data (also stored with each `SeatAdvice` row)."""
    rec = advice.recommendation
    return {
        "client": advice.client.slug,
        "computed_at": advice.computed_at.isoformat(),
        "kind": rec.kind.value,
        "seats": rec.seats,
        "recommended_seats": rec.recommended,
        "text": rec.text,
        "goal": rec.goal,
        "options": [option_as_dict(option) for option in rec.options],
        "history": _history_dict(advice),
        "forecast": _forecast_dict(advice),
        "backtest": [
            {
                "week": check.monday.isoformat(),
                "tickets": check.tickets,
                "predicted": round(check.predicted, 4),
                "actual": _round(check.actual),
                "error": _round(check.error),
            }
            for check in advice.backtest
        ],
    }


def _history_dict(advice: SeatAdviceResult) -> dict[str, Any]:
    history = advice.history
    touch, total = history.first_touch[""], history.total_handle
    return {
        "timezone": history.timezone,
        "weeks": [monday.isoformat() for monday in history.weeks],
        "tickets": history.tickets,
        "tickets_per_week": [int(x) for x in history.weekly().sum(axis=1)],
        "first_touch_minutes": _minutes(touch.mean),
        "first_touch_cv": round(touch.cv, 3),
        "total_handle_minutes": _minutes(total.mean),
        "replies_per_ticket": round(history.replies_per_ticket, 2),
        "give_up_rate": round(history.give_up_rate, 4),
        "handle_times_from": "ticket events (no time log yet)",
    }


def _forecast_dict(advice: SeatAdviceResult) -> dict[str, Any]:
    predicted = advice.forecast
    return {
        "tickets_per_week": [round(float(x), 1) for x in predicted.weeks.sum(axis=1)],
        "trend_per_week": round(predicted.trend_per_week, 2),
        "held_out_weeks": predicted.error.held_out,
        "hourly_mae": _round(predicted.error.hourly_mae),
        "weekly_mape": _round(predicted.error.weekly_mape),
        "naive_hourly_mae": _round(predicted.error.naive_hourly_mae),
    }


def _minutes(value: timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 60, 1)


def advice_table(advice: SeatAdviceResult) -> str:
    """A plain-text page for one client."""
    rec = advice.recommendation
    history = _history_dict(advice)
    forecast = _forecast_dict(advice)
    lines = [
        f"{advice.client.name} ({advice.client.slug}): {rec.seats} seat(s)",
        f"  advice: {rec.text}",
        "",
        "  seats  attainment (95% interval)  Erlang C   p50     p90     p95   utilisation",
    ]
    for option in rec.options:
        mark = "*" if option.seats == rec.seats else " "
        state = " overloaded" if option.overloaded else ""
        lines.append(
            f"  {mark}{option.seats:>4}   {option.attainment:6.1%} ({option.attainment_low:.1%}-"
            f"{option.attainment_high:.1%})   {option.erlang:6.1%}  {_m(option.p50)} "
            f"{_m(option.p90)} {_m(option.p95)}  {option.utilisation:6.1%}{state}"
        )
    lines += [
        "",
        f"  history: {history['tickets']} valid tickets in {len(advice.history.weeks)} weeks "
        f"({history['timezone']}), first touch {history['first_touch_minutes']} min "
        f"(cv {history['first_touch_cv']}), total handle {history['total_handle_minutes']} min, "
        f"give-up rate {history['give_up_rate']:.1%}",
        f"  forecast, next 4 weeks: {forecast['tickets_per_week']} tickets "
        f"(held-out error: {_pct(forecast['weekly_mape'])} of a week's total, "
        f"{forecast['hourly_mae']} tickets/hour; last-week-again {forecast['naive_hourly_mae']})",
        "  past weeks, predicted vs actual attainment (default first-response target):",
    ]
    for check in advice.backtest:
        actual = "   -  " if check.actual is None else f"{check.actual:6.1%}"
        error = "" if check.error is None else f"  error {check.error * 100:+.1f} pts"
        lines.append(
            f"    {check.monday.isoformat()}  {check.tickets:4} tickets  predicted "
            f"{check.predicted:6.1%}  actual {actual}{error}"
        )
    return "\n".join(lines) + "\n"


def roster_table(view: RosterView) -> str:
    """Agents and their shifts, then the hours short."""
    roster = view.roster
    lines = [
        f"Pool roster, week of {view.week.isoformat()} ({view.timezone}): "
        f"{len(roster.shifts)} shifts, {roster.status}, "
        f"{roster.uncovered_hours} agent-hours uncovered",
    ]
    for name in roster.agents:
        shifts = roster.shifts_of(name)
        text = ", ".join(
            f"{WEEKDAYS[s.weekday]} {s.start % 24:02d}:00-{s.end % 24:02d}:00" for s in shifts
        )
        lines.append(f"  {name:<24} {len(shifts)} shifts  {text}")
    gaps = roster.gaps()
    if gaps:
        lines.append("  hours short (required/rostered):")
        lines.append(
            "    "
            + ", ".join(
                f"{WEEKDAYS[g.hour // 24]} {g.hour % 24:02d}:00 {g.required}/{g.rostered}"
                for g in gaps
            )
        )
    return "\n".join(lines) + "\n"


def _m(minutes: float | None) -> str:
    return "  never" if minutes is None else f"{minutes:5.1f}m"


def _pct(value: object) -> str:
    return "-" if not isinstance(value, float) else f"{value:.0%}"


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
