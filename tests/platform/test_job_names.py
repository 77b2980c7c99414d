"""The worker loads every app's jobs, and each sits in the queue under the name it was
released with (`platform.job_names`): a message an older release queued still runs."""

from __future__ import annotations

import pytest
from huey.contrib.djhuey import HUEY
from huey.registry import Message

from pactdesk.cli.management.commands.worker import jobs_load
from pactdesk.platform.job_names import queued_as
from pactdesk.platform.jobs import WORKER_NAME
from pactdesk.platform.models import WorkerHeartbeat

QUEUE_NAMES = {
    "pactdesk.desk.tasks.portal_link_mail_task",
    "pactdesk.desk.tasks.ticket_auto_close_task",
    "pactdesk.desk.tasks.ticket_sla_sweep_task",
    "pactdesk.intake.tasks.mailbox_poll_task",
    "pactdesk.intake.tasks.quarantine_alert_task",
    "pactdesk.intake.tasks.raw_mail_prune_task",
    "pactdesk.notify.tasks.outbox_deliver_task",
    "pactdesk.notify.tasks.outbox_sweep_task",
    "pactdesk.platform.tasks.heartbeat",
}


def test_queued_as_splits_the_module_from_the_function() -> None:
    assert queued_as("pactdesk.notify.tasks.outbox_deliver_task") == {
        "name": "outbox_deliver_task",
        "__module__": "pactdesk.notify.tasks",
    }


def test_the_worker_loads_every_job_under_its_released_queue_name() -> None:
    """Jobs released as `tasks` keep those names; a job added since is a `jobs` one."""
    jobs_load()
    loaded = set(HUEY._registry._registry)
    assert sorted(QUEUE_NAMES - loaded) == []
    assert [name for name in sorted(loaded - QUEUE_NAMES) if ".jobs." not in name] == []


@pytest.mark.django_db
def test_a_message_queued_under_the_old_name_runs_the_renamed_job() -> None:
    jobs_load()
    old = HUEY.serializer.serialize(
        Message("id-1", "pactdesk.platform.tasks.heartbeat", None, 0, 0, None, (), {})
    )
    HUEY.execute(HUEY.deserialize_task(old))
    assert list(WorkerHeartbeat.objects.values_list("name", flat=True)) == [WORKER_NAME]
