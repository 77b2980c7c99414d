"""The Quarantine tab of the Operations pages (under /ops/quarantine/, mounted by
config.urls; the web layer may not import intake): mail we took but could not lodge,
for provider admins and managers, with re-process and discard buttons and each
entry's original mail."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from pactdesk.accounts.access import operator_required
from pactdesk.accounts.models import User
from pactdesk.intake.models import QuarantinedMail, QuarantineStatus
from pactdesk.intake.quarantine import (
    quarantine_discard,
    quarantine_held_count,
    quarantine_reprocess,
    quarantine_reprocess_all,
)
from pactdesk.intake.services import TemporaryFailure
from pactdesk.platform.clock import clock_now
from pactdesk.platform.errors import ApplicationError

RECENT = 50


@require_GET
@operator_required
def quarantine_list(request: HttpRequest) -> HttpResponse:
    held = QuarantinedMail.objects.filter(status=QuarantineStatus.HELD).select_related("client")
    done = QuarantinedMail.objects.exclude(status=QuarantineStatus.HELD).select_related("client")
    context = {
        "ops_tab": "quarantine",
        "held": list(held.order_by("received_at", "id")[:500]),
        "done": list(done.order_by("-resolved_at", "-id")[:RECENT]),
    }
    return render(request, "web/ops/quarantine.html", context)


@require_POST
@operator_required
def quarantine_action(request: HttpRequest, entry_id: int, action: str) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    try:
        if action == "reprocess":
            entry = quarantine_reprocess(entry_id=entry_id, now=clock_now())
            _report(request, entry)
        elif action == "discard":
            quarantine_discard(entry_id=entry_id, actor=actor, now=clock_now())
            messages.success(request, f"Q-{entry_id} discarded.")
        else:
            raise Http404("No such action")
    except ApplicationError as error:
        messages.error(request, error.message)
    except TemporaryFailure as error:
        messages.error(request, f"Q-{entry_id} could not be re-processed now ({error}); try again.")
    return redirect("intake_pages:quarantine")


@require_POST
@operator_required
def quarantine_reprocess_every(request: HttpRequest) -> HttpResponse:
    try:
        entries = quarantine_reprocess_all(now=clock_now())
    except TemporaryFailure as error:
        messages.error(request, f"Re-processing stopped ({error}); try again.")
        return redirect("intake_pages:quarantine")
    held = sum(entry.status == QuarantineStatus.HELD for entry in entries)
    messages.info(
        request,
        f"{len(entries) - held} re-processed, {held} still held: {quarantine_held_count()}"
        " waiting in quarantine.",
    )
    return redirect("intake_pages:quarantine")


@require_GET
@operator_required
def quarantine_raw(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = QuarantinedMail.objects.select_related("raw_mail").filter(pk=entry_id).first()
    if entry is None:
        raise Http404("No such entry")
    response = FileResponse(
        entry.raw_mail.content.open("rb"),
        as_attachment=True,
        filename=f"quarantine-Q-{entry.pk}.eml",
        content_type="message/rfc822",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _report(request: HttpRequest, entry: QuarantinedMail) -> None:
    if entry.status == QuarantineStatus.HELD:
        messages.error(request, f"Q-{entry.pk} failed again ({entry.error_code}): {entry.error}")
    else:
        messages.success(request, f"Q-{entry.pk} re-processed: {entry.result}")


def operations_counts(request: HttpRequest) -> dict[str, int]:
    """Context processor: the count of held mail, for the header of admins/managers."""
    if not getattr(getattr(request, "user", None), "is_operator", False):
        return {}
    return {"quarantine_held": quarantine_held_count()}
