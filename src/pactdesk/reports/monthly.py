"""The monthly client report: built once per client and month, kept, and mailed.

On the first day of each month (in the agreement's time zone) the worker builds each
active client's report for the month just ended (`monthly_reports_due`); a provider
admin can build one by hand (`pactdesk report monthly`). The build gathers the
attainment report and its chart series (SQL aggregates), renders the document once as
HTML and as a PDF (WeasyPrint) and stores figures and PDF in `MonthlyReport`, then
queues one mail per active client admin in the outbox, in the same transaction as the
row. The row's unique (client, month) key makes the build once-only: a second build,
at once or later, finds the row or loses the insert and changes nothing, sends nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypedDict, cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string

from pactdesk.accounts.models import Client, Role, User
from pactdesk.accounts.selectors import client_list
from pactdesk.agreements.models import Agreement
from pactdesk.notify.services import MailOut, mail_queue_many
from pactdesk.platform.errors import ApplicationError, NotFound, ValidationFailed
from pactdesk.reports.charts import chart_svgs, duration_words, target_label
from pactdesk.reports.error_codes import ReportsErrorCode
from pactdesk.reports.formats import report_as_dict
from pactdesk.reports.models import MonthlyReport
from pactdesk.reports.periods import PeriodSpec, period_spec_parse
from pactdesk.reports.selectors import attainment_report, report_agreement
from pactdesk.reports.series import SeriesJson, misses_allowed, report_series

MAIL_KIND = "monthly_report"
logger = logging.getLogger(__name__)


class MonthlyFigures(TypedDict):
    """What a monthly report stores: the attainment report as the API gives it
    (`formats.report_as_dict`) and the chart series."""

    client_name: str
    plan: str
    report: dict[str, object]
    series: SeriesJson
    charts: dict[str, str]  # the SVG drawn at the build: the page shows what was mailed


@dataclass(frozen=True)
class MonthlyBuild:
    report: MonthlyReport
    created: bool  # False: it existed (or another build stored it first); nothing sent


def monthly_spec(*, month: str) -> PeriodSpec:
    """A month "YYYY-MM". Errors: ValidationFailed `invalid_month` (field month)."""
    return period_spec_parse(month=month, first=None, last=None, today=date(2000, 1, 1))


def monthly_figures(*, client: Client, spec: PeriodSpec, now: datetime) -> MonthlyFigures:
    """The month's report and chart series as JSON-ready data (what is stored).

    Errors: ValidationFailed `month_not_over` (field month) while the month has not
    ended in the agreement's time zone; `no_agreement` as `attainment_report`."""
    report = attainment_report(client=client, spec=spec, now=now)
    if report.period.end > now:
        raise ValidationFailed(
            f"{spec.label} has not ended yet in {report.period.timezone}.",
            code=ReportsErrorCode.MONTH_NOT_OVER,
            field="month",
        )
    series = report_series(report=report).as_dict()
    return {
        "client_name": client.name,
        "plan": str(report.agreement.plan),
        "report": report_as_dict(report),
        "series": series,
        "charts": chart_svgs(series),
    }


def monthly_report_build(*, client: Client, spec: PeriodSpec, now: datetime) -> MonthlyBuild:
    """Build, store and mail `client`'s report for the month `spec`, once.

    The figures and the PDF are made before the transaction (they read only); the row
    and the admins' mails are written in one, so a build that loses the insert to a
    concurrent one rolls back with nothing sent. Errors: as `monthly_figures`."""
    existing = MonthlyReport.objects.filter(client=client, month=spec.first).first()
    if existing is not None:
        return MonthlyBuild(existing, created=False)
    figures = monthly_figures(client=client, spec=spec, now=now)
    pdf = monthly_pdf(figures=figures)
    admins = list(
        User.objects.filter(client=client, role=Role.CLIENT_ADMIN, is_active=True)
        .order_by("email")
        .values_list("email", flat=True)
    )
    row = MonthlyReport(
        client=client,
        month=spec.first,
        agreement_id=cast("int", figures["report"]["agreement"]),
        built_at=now,
        figures=figures,
        pdf=pdf,
        mailed_to=admins,
    )
    try:
        with transaction.atomic():
            row.save(force_insert=True)
            mails = [_mail(row, to=address) for address in admins]
            mail_queue_many(mails=mails, at=[now] * len(mails))
    except IntegrityError:
        return MonthlyBuild(MonthlyReport.objects.get(client=client, month=spec.first), False)
    return MonthlyBuild(row, created=True)


def monthly_reports_due(*, now: datetime) -> list[MonthlyBuild]:
    """Build every active client's report for the month before the current one in its
    agreement's time zone, where not built yet (the worker runs this every hour, so a
    client's report is built within the first hour of its 1st, or on the next run after
    a pause). Clients with no agreement by then are skipped."""
    built = []
    agreements = (
        Agreement.objects.filter(client__is_active=True)
        .select_related("client")
        .order_by("client_id", "-start_date", "-id")
    )
    latest: dict[int, Agreement] = {}
    for agreement in agreements:
        latest.setdefault(agreement.client_id, agreement)
    for agreement in latest.values():
        spec = last_month(now=now, timezone=agreement.timezone)
        if agreement.start_date > spec.last:
            continue
        if MonthlyReport.objects.filter(client_id=agreement.client_id, month=spec.first).exists():
            continue
        try:
            built.append(monthly_report_build(client=agreement.client, spec=spec, now=now))
        except ApplicationError:  # one client's refusal must not hold up the others
            logger.exception("monthly report of %s for %s", agreement.client.slug, spec.label)
    return built


def demo_months_build(*, now: datetime, since: datetime) -> int:
    """Build every active client's reports of the months from the one holding `since`
    to the last ended one (each in its agreement's zone), oldest first, as the worker
    would have on each 1st; answers how many were built (the demo's set-up)."""
    built = 0
    for client in Client.objects.filter(is_active=True).order_by("pk"):
        try:
            latest = report_agreement(client=client, spec=last_month(now=now, timezone="UTC"))
        except ApplicationError:
            continue
        month = since.astimezone(ZoneInfo(latest.timezone)).date().replace(day=1)
        end = last_month(now=now, timezone=latest.timezone).first
        while month <= end:
            spec = monthly_spec(month=f"{month:%Y-%m}")
            built += monthly_report_build(client=client, spec=spec, now=now).created
            month = (month + timedelta(days=32)).replace(day=1)
    return built


def last_month(*, now: datetime, timezone: str) -> PeriodSpec:
    """The month before the one holding `now` in `timezone`."""
    today = now.astimezone(ZoneInfo(timezone)).date()
    last_day = today.replace(day=1) - timedelta(days=1)
    return monthly_spec(month=last_day.strftime("%Y-%m"))


def monthly_report_list(*, actor: User, client: Client) -> QuerySet[MonthlyReport]:
    """The stored months of `client` (one the actor may see), newest first, without
    their PDF bytes."""
    return (
        MonthlyReport.objects.for_actor(actor)
        .filter(client=client)
        .defer("pdf", "figures")
        .order_by("-month")
    )


def monthly_report_get(*, actor: User, slug: str, month: str) -> MonthlyReport:
    """A stored month of a client the actor may see. Another client's is the same
    NotFound as one never built.

    Errors: ValidationFailed `invalid_month`; NotFound `monthly_report_not_found`."""
    spec = monthly_spec(month=month)
    found = (
        MonthlyReport.objects.for_actor(actor)
        .filter(client__in=client_list(actor=actor), client__slug=slug, month=spec.first)
        .select_related("client")
        .first()
    )
    if found is None:
        raise NotFound(
            f"No report of {slug!r} for {spec.label}.",
            code=ReportsErrorCode.MONTHLY_REPORT_NOT_FOUND,
            field="month",
        )
    return found


# -- the document ----------------------------------------------------------------------


def monthly_context(*, figures: MonthlyFigures) -> dict[str, object]:
    """What the document template shows, from the stored figures (so a stored month
    reads the same on every visit, charts included, as drawn at the build): the
    targets with their labels, the charts as SVG, the excluded tickets and the seats."""
    report = cast("dict[str, Any]", figures["report"])
    targets = []
    for target in report["targets"]:
        budget = target["breach_budget"]
        # The month's allowance (as the burn-down's), not missed + budget: the budget
        # counts only tickets still in flight, so a month with none read "1 of 1 used".
        counted = target["met"] + target["missed"] + target["in_flight"]
        allowed = misses_allowed(total=counted, goal=Decimal(target["goal"]))
        targets.append(
            {
                **target,
                "label": target_label(
                    metric=target["metric"],
                    priority=target["priority"],
                    seconds=target["target_seconds"],
                ),
                "goal_text": _goal(target["goal"]),
                "alarm": target["reached"] is False or budget < 0,
                "counted": counted,
                "misses_allowed": allowed,
                "misses_left": max(0, allowed - target["missed"]),
                "over_by": max(0, target["missed"] - allowed),
                "open_p50": _duration(target["open_time"]["p50"]),
                "open_p90": _duration(target["open_time"]["p90"]),
            }
        )
    zone = ZoneInfo(report["timezone"])
    excluded = [  # the day of lodging in the agreement's zone, as the month is counted
        {**item, "lodged_on": datetime.fromisoformat(item["lodged_at"]).astimezone(zone).date()}
        for item in report["excluded"]
    ]
    return {
        "figures": figures,
        "report": report,
        "excluded": excluded,
        "built": datetime.fromisoformat(report["as_of"]),
        "targets": targets,
        "charts": figures["charts"],
        "seats": figures["series"]["seats"],
        "month_label": date.fromisoformat(report["period"]["first_day"]).strftime("%B %Y"),
    }


def monthly_html(*, figures: MonthlyFigures) -> str:
    """The standalone document (print styles inline in its <style>) the PDF is made of."""
    return render_to_string("reports/monthly_pdf.html", monthly_context(figures=figures))


def monthly_pdf(*, figures: MonthlyFigures) -> bytes:
    """The document as PDF (WeasyPrint: no network, no browser)."""
    # A log line per step of every document (and of its own style sheets at import).
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML  # imported where used: it loads Pango and fonts

    pdf: bytes = HTML(string=monthly_html(figures=figures), base_url=None).write_pdf()
    return pdf


def _mail(row: MonthlyReport, *, to: str) -> MailOut:
    label = row.month.strftime("%B %Y")
    path = f"/reports/{row.client.slug}/{row.month:%Y-%m}/"
    base = settings.PACTDESK_BASE_URL
    return MailOut(
        client_id=row.client_id,
        kind=MAIL_KIND,
        to_address=to,
        from_address=f"Pactdesk <desk@{settings.PACTDESK_MAIL_DOMAIN}>",
        subject=f"[Pactdesk] {row.client.name}: support report for {label}",
        body=(
            f"Hello,\n\nyour support report for {label} is ready: how each promise of your "
            f"plan was kept, the breach budget used, the charts and the tickets not counted.\n\n"
            f"Read it: {base}{path}\nPDF: {base}{path}pdf\n\n(Sign in to open them.)\n"
        ),
    )


def _goal(goal: str) -> str:
    return goal[:-3] if goal.endswith(".00") else goal


def _duration(seconds: int | None) -> str:
    return "—" if seconds is None else duration_words(seconds)
