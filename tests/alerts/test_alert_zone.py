"""An alert's due time is written in its recipient's own zone (found by the break
test: the notification centre showed "When 09:01 CET" beside "(08:10 UTC)")."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pactdesk.accounts.models import User
from pactdesk.alerts.models import Notification
from pactdesk.alerts.services import sla_alerts_sweep
from pactdesk.notify.models import OutboundMail
from tests.desk.conftest import MONDAY_10AM

pytestmark = pytest.mark.django_db
MIN = timedelta(minutes=1)


def test_each_recipient_reads_the_due_time_in_their_own_zone(lodge, people) -> None:
    User.objects.filter(pk=people["ana"].pk).update(time_zone="Europe/Berlin")
    ticket = lodge()  # first response due 10:30 New York (15:30 UTC, 16:30 in Berlin)

    sla_alerts_sweep(now=MONDAY_10AM + 20 * MIN)

    texts = dict(Notification.objects.values_list("recipient__name", "text"))
    head = f"{ticket.reference} Printer on fire: first response due in 10 min"
    assert texts == {
        "Ana": f"{head} (2026-03-02 16:30 CET)",
        "Bo": f"{head} (2026-03-02 15:30 UTC)",  # no zone of their own: UTC, named
    }
    subjects = dict(OutboundMail.objects.values_list("to_address", "subject"))
    assert subjects["ana@pactdesk.test"].endswith("(2026-03-02 16:30 CET)")
