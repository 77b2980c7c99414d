"""Django admin for the catalogue and the agreements. Model `clean()` holds the row
checks, so the admin refuses what the services refuse; seats go through `seat_assign`."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages

from pactdesk.agreements.models import Agreement, Calendar, Plan, Seat, SlaPolicy, SlaTarget
from pactdesk.agreements.services import seat_assign, seat_release
from pactdesk.platform.errors import ApplicationError


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "kind",
        "round_the_clock",
        "price",
        "currency",
        "guarantee_days",
        "is_active",
    ]
    list_filter = ["kind", "round_the_clock", "is_active"]


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "client", "timezone", "always_open", "holiday_country"]
    list_filter = ["client", "always_open"]


class SlaTargetInline(admin.TabularInline):
    model = SlaTarget
    extra = 0
    fields = ["metric", "duration", "goal", "priority"]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "client", "pause_while_waiting", "confirmation_window"]
    list_filter = ["client"]
    inlines = [SlaTargetInline]

    def save_formset(self, request: Any, form: Any, formset: Any, change: bool) -> None:
        for target in formset.save(commit=False):
            target.client_id = form.instance.client_id
            target.save()
        for deleted in formset.deleted_objects:
            deleted.delete()


class SeatInline(admin.TabularInline):
    model = Seat
    extra = 0
    fields = ["number", "agent"]
    readonly_fields = ["number", "agent"]
    can_delete = False


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["client", "plan", "round_the_clock", "timezone", "start_date", "seat_count"]
    list_filter = ["plan__kind", "round_the_clock"]
    inlines = [SeatInline]


@admin.register(Seat)
class SeatAdmin(admin.ModelAdmin):
    list_display = ["agreement", "number", "agent", "client"]
    list_filter = ["client"]
    fields = ["agreement", "number", "agent"]
    readonly_fields = ["agreement", "number"]

    def has_add_permission(self, request: Any) -> bool:
        return False  # seats are made with their agreement

    def save_model(self, request: Any, obj: Seat, form: Any, change: bool) -> None:
        # Seat.clean() already refused a second client's seat; the service locks and
        # checks again so two admins cannot race past it.
        try:
            if obj.agent is None:
                seat_release(seat=obj)
            else:
                seat_assign(seat=obj, agent=obj.agent)
        except ApplicationError as error:
            self.message_user(request, error.message, level=messages.ERROR)
