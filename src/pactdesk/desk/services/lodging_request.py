"""What a lodging is asked to make, and what it answers: the values every channel
(mail, web form, portal follow-up, API, the demo) hands to `lodging.ticket_lodge_once`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from pactdesk.accounts.models import Client
from pactdesk.desk.models import Priority, RawMail, Ticket
from pactdesk.desk.services.records import AttachmentIn


@dataclass(frozen=True)
class LodgingRequest:
    """One query to lodge, as its channel received it.

    `now` is the lodging instant: the receipt time, not a sender's Date header.
    `idempotency_key`: a retry of the same request (same key, same fields) answers with
    the ticket made the first time; the same key with a different request is a
    Conflict. `language`: what the customer reads, if the channel says (a BCP 47 tag or
    an Accept-Language value such as "de-AT,de;q=0.9"); it picks the acknowledgement's
    wording. `mail_message_id` and `raw_mail`: the mail the query came in (mail only).
    """

    client: Client
    customer_email: str
    subject: str
    body: str
    channel: str
    now: datetime
    customer_name: str = ""
    priority: str = Priority.NORMAL
    attachments: Sequence[AttachmentIn] = field(default=())
    mail_message_id: str = ""
    idempotency_key: str | None = None
    raw_mail: RawMail | None = None
    language: str | None = None


@dataclass(frozen=True)
class Lodged:
    """The ticket a request got, and whether it was made now (False: made by an earlier
    request with the same idempotency key, of which this one is a retry)."""

    ticket: Ticket
    made_now: bool
