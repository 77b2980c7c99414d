"""The shared pool's weekly roster: built from the week's requirement with the pool's
named agents (`pactdesk.domain.rosters`, CP-SAT), kept per week, and read back as a
table, CSV and one iCalendar file per agent.

The pool's agents are the active agents who hold no dedicated seat. Shifts are hours of
the pool's week (`pool.POOL_TIMEZONE`). A roster that cannot cover the requirement is
still a roster: its `uncovered` agent-hours and the hours short are shown, never hidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction

from pactdesk.accounts.models import Role, User
from pactdesk.domain.errors import DomainError
from pactdesk.domain.rosters import (
    HourCoverage,
    Roster,
    RosterAgent,
    RosterShift,
    RosterStatus,
    build_roster,
)
from pactdesk.platform.errors import NotFound, ValidationFailed
from pactdesk.staffing.error_codes import StaffingErrorCode
from pactdesk.staffing.models import PoolRoster
from pactdesk.staffing.pool import PoolPlan, pool_plan
from pactdesk.staffing.weeks import POOL_TIMEZONE

DEFAULT_TIME_LIMIT = 10.0


def pool_agents() -> list[User]:
    """The pool's agents: active agents holding no dedicated seat, by name."""
    return list(
        User.objects.filter(role=Role.AGENT, is_active=True, client__isnull=True)
        .exclude(seats__isnull=False)
        .order_by("name", "id")
    )


@dataclass(frozen=True)
class RosterBuilt:
    """A stored roster and the plan it was built from."""

    roster: PoolRoster
    plan: PoolPlan


@transaction.atomic
def pool_roster_build(
    *, week: date, now: datetime, time_limit: float = DEFAULT_TIME_LIMIT
) -> RosterBuilt:
    """Build (or rebuild) and store the pool's roster for the week of Monday `week`.

    Raises:
        ValidationFailed: ``invalid_week``; ``no_pool_agents`` when no agent may be
            rostered; the domain's roster codes (``invalid_time_limit`` …).
    """
    plan = pool_plan(week=week, now=now)
    agents = pool_agents()
    if not agents:
        raise ValidationFailed(
            "No agent can be rostered: every active agent holds a dedicated seat, or "
            "there are none.",
            code=StaffingErrorCode.NO_POOL_AGENTS,
            field="week",
        )
    try:
        roster = build_roster(
            requirement=list(plan.requirement.agents),
            agents=[RosterAgent(name=str(agent.pk)) for agent in agents],
            week_index=week.isocalendar()[1],
            time_limit=time_limit,
        )
    except DomainError as error:
        raise ValidationFailed(error.message, code=error.code, field=error.field) from None
    stored, _ = PoolRoster.objects.update_or_create(
        week=week,
        defaults={
            "computed_at": now,
            "status": roster.status.value,
            "requirement": list(plan.requirement.agents),
            "shifts": [[int(s.agent), s.start, s.hours, s.break_start] for s in roster.shifts],
            "uncovered": roster.uncovered_hours,
            "solve_seconds": roster.solve_seconds,
        },
    )
    return RosterBuilt(roster=stored, plan=plan)


def pool_roster_get(*, week: date) -> PoolRoster:
    """The stored roster of the week. Errors: NotFound `invalid_week` (none built)."""
    roster = PoolRoster.objects.filter(week=week).first()
    if roster is None:
        raise NotFound(
            f"No roster for the week of {week.isoformat()} yet.",
            code=StaffingErrorCode.INVALID_WEEK,
            field="week",
        )
    return roster


@dataclass(frozen=True)
class RosterView:
    """A stored roster as the domain's value, with its agents' users by roster name
    (display names, made unique)."""

    week: date
    roster: Roster
    users: dict[str, User]
    timezone: str

    def ical(self, *, user: User, stamp: datetime) -> bytes:
        """The user's shifts of the week as iCalendar. Errors: NotFound (not rostered)."""
        name = next((n for n, u in self.users.items() if u.pk == user.pk), None)
        if name is None:
            raise NotFound(
                f"{user.name} is not in this roster.",
                code=StaffingErrorCode.NO_POOL_AGENTS,
                field="agent",
            )
        return self.roster.to_ical(agent=name, week_start=self.week, tz=self.timezone, stamp=stamp)

    def csv(self) -> str:
        return self.roster.to_csv()


def roster_view(*, stored: PoolRoster) -> RosterView:
    """The stored roster as a domain `Roster` named by the agents' display names: one
    query for the users (those since deactivated keep their shifts)."""
    ids = sorted({int(row[0]) for row in stored.shifts})
    users = {u.pk: u for u in User.objects.filter(pk__in=ids).order_by("name", "id")}
    for agent in pool_agents():
        users.setdefault(agent.pk, agent)
    names: dict[int, str] = {}
    taken: set[str] = set()
    for user in sorted(users.values(), key=lambda u: (u.name, u.pk)):
        name = user.name or user.email
        if name in taken:
            name = f"{name} (#{user.pk})"
        taken.add(name)
        names[user.pk] = name
    shifts = tuple(
        sorted(
            (
                RosterShift(agent=names[int(a)], start=s, hours=h, break_start=b)
                for a, s, h, b in stored.shifts
            ),
            key=lambda shift: (shift.agent, shift.start),
        )
    )
    rostered = [0] * 168
    for shift in shifts:
        for hour in shift.working_hours():
            rostered[hour] += 1
    roster = Roster(
        agents=tuple(names[pk] for pk in sorted(names, key=lambda pk: names[pk])),
        shifts=shifts,
        coverage=tuple(
            HourCoverage(hour=h, required=int(stored.requirement[h]), rostered=rostered[h])
            for h in range(168)
        ),
        cost=Decimal(sum(shift.hours for shift in shifts)),
        status=RosterStatus(stored.status),
        solve_seconds=stored.solve_seconds,
    )
    return RosterView(
        week=stored.week,
        roster=roster,
        users={names[pk]: users[pk] for pk in names},
        timezone=POOL_TIMEZONE,
    )
