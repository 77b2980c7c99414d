"""Who may do what with a client's work, checked once here for pages, API and CLI.

- Anyone who may see the client (provider staff; the client's own users) reads its
  tasks, its list and its time split; another client's rows are NotFound.
- A client admin manages tasks, the order and the client's settings; a client member
  creates and edits tasks or reorders only when the admin allowed it
  (`WorkOrder.members_may_create_tasks`, `members_may_reorder`); provider admins and
  managers may do what a client admin may.
- Technicians (provider staff) move their tasks' status and log their own time.
- Only a client whose agreement in force is on a dedicated plan has tasks and a list.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from pactdesk.accounts.models import OPERATOR_ROLES, Client, Role, User
from pactdesk.accounts.selectors import client_get
from pactdesk.agreements.models import Agreement, PlanKind, Seat
from pactdesk.agreements.selectors import agreement_for_lodging
from pactdesk.platform.errors import PermissionDenied, ValidationFailed
from pactdesk.work.error_codes import WorkErrorCode
from pactdesk.work.models import WorkOrder


def dedicated_agreement_of(*, client: Client, now: datetime) -> Agreement:
    """The client's agreement in force today, which must be on a dedicated plan.
    Errors: ValidationFailed NOT_DEDICATED (a shared plan, or no agreement)."""
    try:
        agreement = agreement_for_lodging(client=client, on=now.date())
    except ValidationFailed:
        agreement = None
    if agreement is None or agreement.plan.kind != PlanKind.DEDICATED:
        raise ValidationFailed(
            f"{client.name} is not on a dedicated plan: only dedicated clients have tasks "
            "and a work order",
            code=WorkErrorCode.NOT_DEDICATED,
            field="client",
        )
    return agreement


def work_client_get(*, actor: User, client_id: int, now: datetime) -> Client:
    """A dedicated client the actor may see. Errors: NotFound (another client's, or
    none), ValidationFailed NOT_DEDICATED."""
    client = client_get(actor=actor, client_id=client_id)
    dedicated_agreement_of(client=client, now=now)
    return client


def seat_holders(*, client: Client, now: datetime) -> QuerySet[User]:
    """The agents holding seats of the client's dedicated agreement in force."""
    agreement = dedicated_agreement_of(client=client, now=now)
    held = Seat.objects.filter(agreement=agreement, agent__isnull=False).values("agent_id")
    return User.objects.filter(pk__in=held, is_active=True).order_by("name")


def work_order_settings(*, client: Client) -> WorkOrder:
    """The client's list row, made on first use (version 0, new tickets at the bottom,
    members may neither create tasks nor reorder)."""
    row, _ = WorkOrder.objects.get_or_create(client=client)
    return row


def _admin_of(actor: User, client: Client) -> bool:
    if actor.is_provider_staff:
        return actor.role in OPERATOR_ROLES
    return actor.role == Role.CLIENT_ADMIN and actor.client_id == client.pk


def may_manage_tasks(*, actor: User, client: Client, settings: WorkOrder) -> bool:
    if _admin_of(actor, client):
        return True
    return (
        actor.role == Role.CLIENT_MEMBER
        and actor.client_id == client.pk
        and settings.members_may_create_tasks
    )


def may_reorder(*, actor: User, client: Client, settings: WorkOrder) -> bool:
    if _admin_of(actor, client):
        return True
    return (
        actor.role == Role.CLIENT_MEMBER
        and actor.client_id == client.pk
        and settings.members_may_reorder
    )


def may_administer(*, actor: User, client: Client) -> bool:
    """Change the client's settings and its users: its client admins (and operators)."""
    return _admin_of(actor, client)


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message, code=WorkErrorCode.NOT_ALLOWED)
