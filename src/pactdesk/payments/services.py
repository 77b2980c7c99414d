"""Applying PayPal's capture notifications once each.

Billing registers what a capture notification means to it with `on_capture_event`
(in its `AppConfig.ready`), so payments never imports billing. `webhook_apply`
records the event id and calls every handler in one transaction: a replayed event
calls nothing, and a handler that raises leaves nothing written (not even the id, so
PayPal's next delivery tries again).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum

from django.db import transaction

from pactdesk.payments.models import WebhookEvent
from pactdesk.payments.types import CaptureEventType, PayPalEvent

logger = logging.getLogger(__name__)

CaptureHandler = Callable[[PayPalEvent], None]
_handlers: list[CaptureHandler] = []


class WebhookOutcome(StrEnum):
    """What a verified notification did."""

    APPLIED = "applied"  # new: recorded, and every handler called
    REPLAYED = "replayed"  # seen before: nothing called
    IGNORED = "ignored"  # not a capture notification we apply: nothing recorded


def on_capture_event(handler: CaptureHandler) -> CaptureHandler:
    """Call `handler(event)` for every new capture notification (`CaptureEventType`),
    inside the transaction that records it; registering twice registers once. A handler
    that does not know the capture logs it and returns (the answer is still 200).
    Usable as a decorator."""
    if handler not in _handlers:
        _handlers.append(handler)
    return handler


def off_capture_event(handler: CaptureHandler) -> None:
    """Stop calling `handler` (tests register their own and remove it)."""
    if handler in _handlers:
        _handlers.remove(handler)


def webhook_event_record(*, event: PayPalEvent, now: datetime) -> bool:
    """Record `event.event_id`; True when it is new, False for a replay. Safe under
    concurrent deliveries of one event (the id is unique: the second waits, then
    finds it)."""
    _, created = WebhookEvent.objects.get_or_create(
        event_id=event.event_id,
        defaults={"event_type": event.event_type, "received_at": now},
    )
    return created


def webhook_apply(*, event: PayPalEvent, now: datetime) -> WebhookOutcome:
    """Apply a verified notification once: record it and call the capture handlers.

    Raises whatever a handler raises (an `ApplicationError`), with nothing recorded.
    """
    if event.event_type not in set(CaptureEventType):
        logger.info("PayPal event %s of type %s ignored", event.event_id, event.event_type)
        return WebhookOutcome.IGNORED
    with transaction.atomic():
        if not webhook_event_record(event=event, now=now):
            logger.info("PayPal event %s replayed: nothing done", event.event_id)
            return WebhookOutcome.REPLAYED
        for handler in list(_handlers):
            handler(event)
    return WebhookOutcome.APPLIED
