"""The client-work pages: a client admin's order (drag-and-drop save and move
buttons), tasks, users and invitations; the technician's list; tenancy by URL and
form; query counts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client as Browser

from pactdesk.accounts.models import Role, User
from pactdesk.desk.models import Ticket
from pactdesk.domain.work import ItemRef, WorkKind
from pactdesk.notify.models import OutboundMail
from pactdesk.platform.clock import clock_now
from pactdesk.work.models import Task, TimeEntry, WorkItem, WorkOrder
from pactdesk.work.order import work_order_read, work_order_reorder, work_order_settle
from pactdesk.work.services import TaskFields, task_create, time_log
from tests.work.conftest import NOW

pytestmark = pytest.mark.django_db


def _as(user: User) -> Browser:
    browser = Browser()
    browser.force_login(user)
    return browser


def _task(world, side="thames", title="Export the ledgers"):
    side = getattr(world, side)
    return task_create(actor=side.admin, client=side.client, fields=TaskFields(title), now=NOW)


def test_the_admin_s_order_page_lists_tickets_and_tasks_with_move_buttons(world, lodge) -> None:
    ticket = lodge(world.thames.client, subject="Printer on fire")
    task = _task(world)

    page = _as(world.thames.admin).get(f"/desk/clients/{world.thames.client.pk}/work/")

    text = page.content.decode()
    assert page.status_code == 200
    assert text.index("Printer on fire") < text.index("Export the ledgers")
    assert f'aria-label="Move PD-{ticket.pk} down"' in text
    assert f'aria-label="Move T-{task.pk} up"' in text
    assert "data-sortable" in text
    assert "work_order.js" in text


def test_the_move_buttons_and_the_drag_save_reorder(world, lodge) -> None:
    client = world.thames.client
    a, b = lodge(client, subject="A"), lodge(client, subject="B")
    task = _task(world)
    admin = _as(world.thames.admin)
    version = work_order_settle(client=client).version

    moved = admin.post(
        f"/desk/clients/{client.pk}/work/move/",
        {"item": f"task:{task.pk}", "by": "-1", "version": version},
        headers={"HX-Request": "true"},
    )
    saved = admin.post(
        f"/desk/clients/{client.pk}/work/order/",
        {"version": version + 1, "item": [f"task:{task.pk}", f"ticket:{b.pk}", f"ticket:{a.pk}"]},
    )

    assert moved.status_code == 200
    assert 'id="work-order"' in moved.content.decode()
    assert "<html" not in moved.content.decode()  # a fragment for htmx
    assert saved.status_code == 200
    assert work_order_read(client=client).refs == [
        ItemRef(WorkKind.TASK, task.pk),
        ItemRef(WorkKind.TICKET, b.pk),
        ItemRef(WorkKind.TICKET, a.pk),
    ]


def test_a_stale_page_is_told_and_shown_the_list_as_it_is(world, lodge) -> None:
    client = world.thames.client
    a = lodge(client, subject="A")
    lodge(client, subject="B")
    admin = _as(world.thames.admin)
    version = work_order_settle(client=client).version
    lodge(client, subject="Arrived meanwhile")

    answer = admin.post(
        f"/desk/clients/{client.pk}/work/move/",
        {"item": f"ticket:{a.pk}", "by": "1", "version": version},
        headers={"HX-Request": "true"},
    )

    assert answer.status_code == 409
    assert "read it again" in answer.content.decode()
    assert "Arrived meanwhile" in answer.content.decode()
    assert work_order_read(client=client).refs[0] == ItemRef(WorkKind.TICKET, a.pk)


def test_a_member_reads_the_order_but_may_not_reorder_by_default(world, lodge) -> None:
    client = world.thames.client
    a, b = lodge(client, subject="A"), lodge(client, subject="B")
    version = work_order_settle(client=client).version
    member = _as(world.thames.member)

    page = member.get(f"/desk/clients/{client.pk}/work/")
    refused = member.post(
        f"/desk/clients/{client.pk}/work/order/",
        {"version": version, "item": [f"ticket:{b.pk}", f"ticket:{a.pk}"]},
    )
    settings = member.post(
        f"/desk/clients/{client.pk}/work/settings/",
        {"entry_rule": "top", "members_may_reorder": "on"},
    )

    assert page.status_code == 200
    assert "data-sortable" not in page.content.decode()
    assert "Move PD-" not in page.content.decode()
    assert (refused.status_code, settings.status_code) == (403, 403)
    assert WorkOrder.objects.get(client=client).members_may_reorder is False
    assert work_order_read(client=client).refs[0] == ItemRef(WorkKind.TICKET, a.pk)


@pytest.mark.parametrize("who", ["admin", "member"])
def test_another_client_s_items_are_not_found_by_url_or_form(world, lodge, who) -> None:
    """Other's admin and member try Thames's order, its task, its move and save forms,
    its settings, its time split, and a reorder of their own list with Thames's items."""
    thames = world.thames.client
    ticket = lodge(thames, subject="Thames secret ticket")
    task = _task(world, title="Thames secret task")
    version = work_order_settle(client=thames).version
    before = list(WorkItem.objects.values_list("ticket_id", "task_id", "rank"))
    outsider = _as(getattr(world.other, who))
    own = world.other.client
    own_version = work_order_settle(client=own).version

    answers = [
        outsider.get(f"/desk/clients/{thames.pk}/work/"),
        outsider.get(f"/desk/tasks/{task.pk}/"),
        outsider.post(f"/desk/tasks/{task.pk}/", {"title": "Mine now"}),
        outsider.post(f"/desk/tasks/{task.pk}/status/", {"status": "doing"}),
        outsider.get(f"/desk/clients/{thames.pk}/time/"),
        outsider.get(f"/desk/clients/{thames.pk}/tasks/new/"),
        outsider.post(
            f"/desk/clients/{thames.pk}/work/move/",
            {"item": f"task:{task.pk}", "by": "-1", "version": version},
        ),
        outsider.post(
            f"/desk/clients/{thames.pk}/work/order/",
            {"version": version, "item": [f"task:{task.pk}", f"ticket:{ticket.pk}"]},
        ),
        outsider.post(f"/desk/clients/{thames.pk}/work/settings/", {"entry_rule": "top"}),
    ]
    own_list = outsider.post(
        f"/desk/clients/{own.pk}/work/order/",
        {"version": own_version, "item": [f"task:{task.pk}", f"ticket:{ticket.pk}"]},
    )

    assert [a.status_code for a in answers] == [404] * len(answers)
    assert all("Thames secret" not in a.content.decode() for a in [*answers, own_list])
    assert own_list.status_code in (403, 422)
    assert list(WorkItem.objects.values_list("ticket_id", "task_id", "rank")) == before
    task.refresh_from_db()
    assert (task.title, task.status) == ("Thames secret task", "todo")


def test_a_task_is_created_edited_and_moved_through_the_pages(world) -> None:
    client, sam = world.thames.client, world.thames.techs[0]
    admin = _as(world.thames.admin)

    made = admin.post(
        f"/desk/clients/{client.pk}/tasks/new/",
        {
            "title": "Rotate keys",
            "estimate_minutes": "45",
            "due_on": "2026-12-01",
            "assignee": sam.pk,
        },
    )
    task = Task.objects.get()
    refused = admin.post(
        f"/desk/clients/{client.pk}/tasks/new/",
        {"title": "Theirs", "assignee": world.other.techs[0].pk},
    )
    started = _as(sam).post(f"/desk/tasks/{task.pk}/status/", {"status": "doing"})
    page = admin.get(f"/desk/tasks/{task.pk}/")

    assert made.status_code == 302
    assert (task.title, task.estimate_minutes, task.assignee_id) == ("Rotate keys", 45, sam.pk)
    assert refused.status_code == 422  # not a technician of this client (not in the choices)
    assert Task.objects.count() == 1
    assert started.status_code == 302
    assert "Doing" in page.content.decode()


def test_the_technician_s_list_follows_the_client_s_order_and_flags_near_due(
    world, lodge, django_assert_max_num_queries
) -> None:
    client, sam = world.thames.client, world.thames.techs[0]
    now = clock_now()
    tickets = [lodge(client, subject=f"Ticket {n}", now=now) for n in range(3)]
    for n, ticket in enumerate(tickets):  # Ticket 1 falls due within the 2 hours
        due = now + timedelta(minutes=30) if n == 1 else now + timedelta(hours=10)
        Ticket.objects.filter(pk=ticket.pk).update(sla_next_due_at=due)
    for n in range(3):
        _task(world, title=f"Task {n}")
    view = work_order_settle(client=client)
    work_order_reorder(
        actor=world.thames.admin, client=client, version=view.version, items=view.refs[::-1]
    )
    browser = _as(sam)

    with django_assert_max_num_queries(14) as counted:
        page = browser.get("/desk/my-work/")

    text = page.content.decode()
    titles = re.findall(r'<span class="title">([^<]+)</span>', text)
    flagged = re.findall(r'class="work-item kind-ticket near-due[^"]*" data-item="([^"]+)"', text)
    assert "My work: Thames" in text
    assert titles == ["Task 2", "Task 1", "Task 0", "Ticket 2", "Ticket 1", "Ticket 0"]
    assert flagged == [f"ticket:{tickets[1].pk}"]
    for _ in range(4):
        lodge(client, subject="More")
        _task(world, title="More")
    with django_assert_max_num_queries(len(counted.captured_queries)):
        assert browser.get("/desk/my-work/").status_code == 200


def test_the_time_split_page_draws_the_client_s_bars(world, lodge) -> None:
    client, sam = world.thames.client, world.thames.techs[0]
    task = _task(world)
    now = clock_now()
    time_log(
        actor=sam,
        item=ItemRef(WorkKind.TASK, task.pk),
        started_at=now - timedelta(hours=3),
        duration=timedelta(minutes=90),
        now=now,
    )

    page = _as(world.thames.admin).get(f"/desk/clients/{client.pk}/time/")

    text = page.content.decode()
    assert page.status_code == 200
    assert '<svg class="time-chart"' in text
    assert "90 min on tasks" in text


def test_an_admin_invites_a_member_who_sets_a_password_once(world, settings) -> None:
    client = world.thames.client
    admin = _as(world.thames.admin)

    answer = admin.post(
        "/desk/team/invite/",
        {"email": "New.Person@Thames.test", "name": "Nia", "role": "client_member"},
    )
    again = admin.post(
        "/desk/team/invite/",
        {"email": "new.person@thames.test", "name": "Nia", "role": "client_member"},
    )

    user = User.objects.get(email="new.person@thames.test")
    assert answer.status_code == 302
    assert again.status_code == 409
    assert (user.client_id, user.role, user.has_usable_password()) == (
        client.pk,
        Role.CLIENT_MEMBER,
        False,
    )
    invitation = OutboundMail.objects.get(kind="invitation")
    assert invitation.to_address == "new.person@thames.test"
    link = re.search(r"https?://\S+/account/set-password/\S+/", invitation.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    anonymous = Browser()
    form = anonymous.get("/" + path, follow=True)
    chosen = anonymous.post(
        form.redirect_chain[-1][0] if form.redirect_chain else "/" + path,
        {"new_password1": "heron-kettle-5521", "new_password2": "heron-kettle-5521"},
    )
    reused = Browser().get("/" + path, follow=True)

    user.refresh_from_db()
    assert chosen.status_code == 302
    assert user.check_password("heron-kettle-5521")
    assert "no longer works" in reused.content.decode()


def test_the_last_admin_cannot_be_demoted_or_deactivated(world) -> None:
    admin_user = world.thames.admin
    admin = _as(admin_user)

    demoted = admin.post(f"/desk/team/{admin_user.pk}/role/", {"role": "client_member"})
    deactivated = admin.post(f"/desk/team/{admin_user.pk}/active/", {})
    member_off = admin.post(f"/desk/team/{world.thames.member.pk}/active/", {})
    theirs = admin.post(f"/desk/team/{world.other.member.pk}/active/", {})

    admin_user.refresh_from_db()
    world.thames.member.refresh_from_db()
    world.other.member.refresh_from_db()
    assert (demoted.status_code, deactivated.status_code) == (409, 409)
    assert (admin_user.role, admin_user.is_active) == (Role.CLIENT_ADMIN, True)
    assert (member_off.status_code, world.thames.member.is_active) == (302, False)
    assert (theirs.status_code, world.other.member.is_active) == (404, True)


def test_members_may_not_open_the_users_page(world) -> None:
    page = _as(world.thames.member).get("/desk/team/")

    assert page.status_code == 403


def test_the_seats_and_who_holds_them(world) -> None:
    page = _as(world.thames.admin).get("/desk/team/")

    text = page.content.decode()
    assert page.status_code == 200
    assert "Sam Seat" in text
    assert "Tia Seat" in text
    assert "Uma Other" not in text


def test_a_technician_logs_time_on_a_ticket_from_its_form(world, lodge) -> None:
    ticket, sam = lodge(world.thames.client), world.thames.techs[0]
    browser = _as(sam)

    form = browser.get("/desk/time/log/", {"item": f"ticket:{ticket.pk}"})
    logged = browser.post(
        "/desk/time/log/",
        {"item": f"ticket:{ticket.pk}", "started_at": "2026-01-05T09:00", "minutes": "25"},
    )
    future = browser.post(
        "/desk/time/log/",
        {"item": f"ticket:{ticket.pk}", "started_at": "2999-01-05T09:00", "minutes": "25"},
        follow=True,
    )
    refused = _as(world.thames.admin).get("/desk/time/log/", {"item": f"ticket:{ticket.pk}"})

    entry = TimeEntry.objects.get()
    assert form.status_code == 200
    assert f"Start timer on PD-{ticket.pk}" in form.content.decode()
    assert logged.status_code == 302
    assert (entry.ticket_id, entry.seconds, entry.person_id) == (ticket.pk, 1500, sam.pk)
    assert "in the future" in future.content.decode()
    assert refused.status_code == 404
