"""A dedicated client's tasks: create, read (with history and logged time), edit, move
along todo → doing → done. Another client's task is a 404 (the actor-scoped
selector); a refusal shows the form again with the error and its status."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from pactdesk.accounts.models import Client, User
from pactdesk.platform.clock import clock_now
from pactdesk.platform.errors import ApplicationError, NotFound
from pactdesk.web.work_order_page import work_client
from pactdesk.work.access import may_manage_tasks, seat_holders, work_order_settings
from pactdesk.work.models import MAX_DESCRIPTION, MAX_TITLE, TASK_STATUS_LABELS, Task
from pactdesk.work.selectors import task_get, task_history, task_time_entries, time_running
from pactdesk.work.services import TaskFields, task_create, task_status_set, task_update


class TaskForm(forms.Form):
    title = forms.CharField(max_length=MAX_TITLE)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=MAX_DESCRIPTION
    )
    estimate_minutes = forms.IntegerField(required=False, min_value=1, label="Estimate (minutes)")
    due_on = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Due date"
    )
    assignee = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Technician"
    )

    def __init__(self, *args: object, holders: list[User], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field: forms.TypedChoiceField = self.fields["assignee"]  # type: ignore[assignment]
        field.choices = [("", "Unassigned"), *((u.pk, u.name) for u in holders)]

    def task_fields(self) -> TaskFields:
        data = self.cleaned_data
        return TaskFields(
            title=data["title"],
            description=data["description"],
            estimate_minutes=data["estimate_minutes"],
            due_on=data["due_on"],
            assignee_id=data["assignee"],
        )


def _task(request: HttpRequest, task_id: int) -> tuple[User, Task]:
    actor: User = request.user  # type: ignore[assignment]
    try:
        return actor, task_get(actor=actor, task_id=task_id)
    except NotFound:
        raise Http404("No such task") from None


@login_required
@require_http_methods(["GET", "POST"])
def task_new(request: HttpRequest, client_id: int) -> HttpResponse:
    actor, client = work_client(request, client_id)
    form = TaskForm(request.POST or None, holders=_holders(client))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                task = task_create(
                    actor=actor, client=client, fields=form.task_fields(), now=clock_now()
                )
            except ApplicationError as error:
                _add_error(form, error)
                status = error.http_status
            else:
                return redirect("web:task", task_id=task.pk)
        else:
            status = 422
    context = {"form": form, "client": client, "task": None, "current": "work"}
    return render(request, "web/work/task_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def task_page(request: HttpRequest, task_id: int) -> HttpResponse:
    """GET the task; POST its edited fields (task managers only)."""
    actor, task = _task(request, task_id)
    client: Client = task.client
    initial = {
        "title": task.title,
        "description": task.description,
        "estimate_minutes": task.estimate_minutes,
        "due_on": task.due_on,
        "assignee": task.assignee_id or "",
    }
    form = TaskForm(request.POST or None, initial=initial, holders=_holders(client))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                task_update(actor=actor, task=task, fields=form.task_fields(), now=clock_now())
            except ApplicationError as error:
                _add_error(form, error)
                status = error.http_status
            else:
                return redirect("web:task", task_id=task.pk)
        else:
            status = 422
    return _render_task(request, actor, task, form, status=status)


@login_required
@require_POST
def task_status(request: HttpRequest, task_id: int) -> HttpResponse:
    actor, task = _task(request, task_id)
    try:
        task_status_set(
            actor=actor, task=task, status=request.POST.get("status", ""), now=clock_now()
        )
    except ApplicationError as error:
        task.refresh_from_db()
        form = TaskForm(initial={"title": task.title}, holders=_holders(task.client))
        return _render_task(
            request, actor, task, form, error=error.message, status=error.http_status
        )
    return redirect("web:task", task_id=task.pk)


def _render_task(
    request: HttpRequest,
    actor: User,
    task: Task,
    form: TaskForm,
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    settings = work_order_settings(client=task.client)
    entries = task_time_entries(task=task)
    context = {
        "task": task,
        "client": task.client,
        "form": form,
        "error": error,
        "history": task_history(task=task),
        "entries": entries,
        "logged_minutes": sum(e.seconds or 0 for e in entries) // 60,
        "can_edit": may_manage_tasks(actor=actor, client=task.client, settings=settings),
        "can_move": actor.is_provider_staff
        or may_manage_tasks(actor=actor, client=task.client, settings=settings),
        "steps": _steps(task),
        "running": time_running(person=actor) if actor.is_provider_staff else None,
        "current": "work",
    }
    return render(request, "web/work/task.html", context, status=status)


def _steps(task: Task) -> list[tuple[str, str]]:
    nexts = {"todo": ["doing"], "doing": ["done", "todo"], "done": []}[task.status]
    labels = {"doing": "Start", "done": "Mark done", "todo": "Back to to do"}
    return [(step, labels[step]) for step in nexts if step in TASK_STATUS_LABELS]


def _holders(client: Client) -> list[User]:
    try:
        return list(seat_holders(client=client, now=clock_now()))
    except ApplicationError:
        return []


def _add_error(form: forms.Form, error: ApplicationError) -> None:
    field = {"assignee_id": "assignee"}.get(error.field or "", error.field)
    field = field if field in form.fields else None
    message = error.message.split(": ", 1)[1] if field and ": " in error.message else error.message
    form.add_error(field, message)
