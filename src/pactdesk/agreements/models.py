"""What a client bought and the rules its tickets are measured by.

Every check that can be made on one row lives in the validators of `rules.py`, called
by `clean()`, so the services, the admin and the API refuse the same things with the
same messages.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from pactdesk.agreements import rules
from pactdesk.agreements.error_codes import AgreementsErrorCode

# The SLA metrics and priorities are the domain's words; re-exported for the app.
from pactdesk.domain.vocabulary import Metric, Priority, choices
from pactdesk.platform.models import ClientOwned
from pactdesk.platform.refcache import ClientOwnedReference, Reference


class PlanKind(models.TextChoices):
    SHARED = "shared", "Shared"
    DEDICATED = "dedicated", "Dedicated"


class Plan(Reference):
    """An entry of the provider's catalogue. `price` is per month for a shared plan and
    per seat per month for a dedicated one."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=PlanKind.choices)
    round_the_clock = models.BooleanField(
        default=False, help_text="The round-the-clock option is included in the plan."
    )
    price = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    currency = models.CharField(max_length=3, validators=[rules.validate_currency])
    guarantee_days = models.PositiveSmallIntegerField(
        help_text="Money-back guarantee: 14 days for dedicated seat hires, 0 otherwise."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(name="plan_price_not_negative", condition=Q(price__gte=0)),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def price_basis(self) -> str:
        return "per seat per month" if self.kind == PlanKind.DEDICATED else "per month"


class Calendar(ClientOwnedReference):
    """Opening hours in a time zone, with public holidays and extra closed dates.

    `hours` holds the weekly spans as the domain spec writes them:
    {"mon": [["09:00", "17:00"]], ..., "sun": []}.
    """

    name = models.CharField(max_length=200)
    timezone = models.CharField(max_length=64, validators=[rules.validate_timezone])
    always_open = models.BooleanField(default=False)
    hours = models.JSONField(default=dict, blank=True)
    holiday_country = models.CharField(max_length=8, blank=True)
    holiday_subdivision = models.CharField(max_length=16, blank=True)
    closed_dates = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        rules.validate_calendar(
            timezone=self.timezone,
            always_open=self.always_open,
            hours=self.hours,
            closed_dates=self.closed_dates,
            holiday_country=self.holiday_country,
            holiday_subdivision=self.holiday_subdivision,
        )


class SlaPolicy(ClientOwnedReference):
    name = models.CharField(max_length=200)
    pause_while_waiting = models.BooleanField(
        default=False, help_text="Time waiting on the customer does not count."
    )
    confirmation_window = models.DurationField(
        default=timedelta(hours=72),
        help_text="An answer counts as effective once solved this long without a reopen.",
        validators=[rules.validate_positive_duration],
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "SLA policies"

    def __str__(self) -> str:
        return self.name


class SlaTarget(ClientOwnedReference):
    """One promise: `metric` within `duration` of open time, for `goal` % of tickets.
    A blank priority is the default target; a priority narrows it to such tickets."""

    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="targets")
    metric = models.CharField(max_length=20, choices=choices(Metric))
    duration = models.DurationField(validators=[rules.validate_positive_duration])
    goal = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("90"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    priority = models.CharField(max_length=10, choices=choices(Priority), blank=True)
    warning_lead = models.DurationField(
        null=True,
        blank=True,
        validators=[rules.validate_positive_duration],
        help_text="Warn staff this long before the clock falls due. Blank: 10 minutes "
        "before a 30-minute target, 30 minutes before a 4-hour one, else a quarter.",
    )

    class Meta:
        ordering = ["policy", "metric", "priority"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "metric", "priority"], name="sla_target_unique_per_priority"
            ),
            models.CheckConstraint(
                name="sla_target_goal_range", condition=Q(goal__gte=0, goal__lte=100)
            ),
        ]

    def __str__(self) -> str:
        suffix = f" ({self.priority})" if self.priority else ""
        return f"{self.get_metric_display()} in {self.duration}{suffix} at {self.goal}%"


class Agreement(ClientOwnedReference):
    """A client's subscription to a plan, with its calendar and SLA policy."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="agreements")
    round_the_clock = models.BooleanField(
        default=False, help_text="The round-the-clock option: the SLA calendar is always open."
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    timezone = models.CharField(max_length=64, validators=[rules.validate_timezone])
    calendar = models.ForeignKey(Calendar, on_delete=models.PROTECT, related_name="agreements")
    sla_policy = models.ForeignKey(SlaPolicy, on_delete=models.PROTECT, related_name="agreements")
    seat_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["client", "start_date"]
        constraints = [
            models.CheckConstraint(
                name="agreement_ends_after_start",
                condition=Q(end_date__isnull=True) | Q(end_date__gt=models.F("start_date")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} — {self.plan}"

    @property
    def is_round_the_clock(self) -> bool:
        return self.round_the_clock or self.plan.round_the_clock


class Seat(ClientOwned):
    """One dedicated technician's place in a dedicated agreement."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="seats")
    number = models.PositiveSmallIntegerField()
    agent = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="seats",
        limit_choices_to={"role__in": ["agent", "manager"]},
    )

    class Meta:
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="seat_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} seat {self.number}"

    def clean(self) -> None:
        if self.agent_id is None:
            return
        other = (
            Seat.objects.filter(agent_id=self.agent_id)
            .exclude(client_id=self.client_id)
            .select_related("client")
            .first()
        )
        if other is not None:
            raise ValidationError(
                {"agent": f"already holds seat {other.number} of {other.client}"},
                code=AgreementsErrorCode.AGENT_SEATED_ELSEWHERE,
            )
