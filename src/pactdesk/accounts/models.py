"""People and organisations.

- Provider staff are users with a staff role (admin, manager, agent) and no client.
- Client users have a client role (client_admin, client_member) and a required client.
- Customers are a client's requesters, known by e-mail; they need no login.
"""

from __future__ import annotations

import functools
import zoneinfo

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from pactdesk.accounts.error_codes import AccountsErrorCode
from pactdesk.domain.identity import email_identity
from pactdesk.platform.models import ClientOwned
from pactdesk.platform.refcache import ClientOwnedReference, Reference, ReferenceQuerySet


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def time_zone_known(value: str) -> bool:
    """Whether `value` names an IANA zone ("Europe/London"); never a path."""
    return value in _zones()


def time_zone_validate(value: str) -> None:
    if value and not time_zone_known(value):
        raise ValidationError(
            f"{value!r} is not a known time zone (use an IANA name such as Europe/London)",
            code=AccountsErrorCode.UNKNOWN_TIME_ZONE,
        )


class Role(models.TextChoices):
    ADMIN = "admin", "Provider admin"
    MANAGER = "manager", "Provider manager"
    AGENT = "agent", "Agent"
    CLIENT_ADMIN = "client_admin", "Client admin"
    CLIENT_MEMBER = "client_member", "Client member"


STAFF_ROLES = frozenset({Role.ADMIN, Role.MANAGER, Role.AGENT})
CLIENT_ROLES = frozenset({Role.CLIENT_ADMIN, Role.CLIENT_MEMBER})
# Who runs the desk's plumbing (the Operations pages: outbox, API keys).
OPERATOR_ROLES = frozenset({Role.ADMIN, Role.MANAGER})


class Client(Reference):
    """A business that buys support plans."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    support_email = models.EmailField(
        unique=True, help_text="The address customers write to; mail to it lodges tickets."
    )
    send_acknowledgements = models.BooleanField(
        default=True, help_text="Mail customers an acknowledgement when a ticket is lodged."
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Every form that saves a client (the admin too) stores the normal form."""
        self.support_email = email_identity(self.support_email or "")


class UserManager(BaseUserManager.from_queryset(ReferenceQuerySet)):  # type: ignore[misc]
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        """Log-in names are e-mail addresses, stored and compared in one normal form."""
        return self.get(email=email_identity(username or ""))

    def create_user(self, email: str, password: str | None = None, **fields: object) -> User:
        from pactdesk.accounts.services import user_create

        return user_create(email=email, password=password, **fields)  # type: ignore[arg-type]

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> User:
        from pactdesk.accounts.services import user_create

        fields.setdefault("role", Role.ADMIN)
        return user_create(email=email, password=password, **fields)  # type: ignore[arg-type]


class User(Reference, AbstractBaseUser):
    """Anyone who logs in: provider staff or a client user. Log-in is by e-mail."""

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=20, choices=Role.choices)
    client = models.ForeignKey(
        Client, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(auto_now_add=True)
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[time_zone_validate],
        help_text="The IANA zone pages show times in; blank: the browser's.",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="user_role_matches_client",
                condition=(
                    Q(role__in=sorted(STAFF_ROLES), client__isnull=True)
                    | Q(role__in=sorted(CLIENT_ROLES), client__isnull=False)
                ),
                violation_error_message="Staff have no client; client users must have one.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @classmethod
    def normalize_username(cls, username: str) -> str:
        """Django's clean() stores the user name in this form: the one identity rule."""
        return email_identity(username or "")

    @property
    def is_provider_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_operator(self) -> bool:
        """May open the Operations pages: provider admins and managers."""
        return self.is_active and self.role in OPERATOR_ROLES

    @property
    def is_staff(self) -> bool:
        """Django admin access: provider admins only."""
        return self.is_active and self.role == Role.ADMIN

    @property
    def is_superuser(self) -> bool:
        return self.is_staff

    def has_perm(self, perm: str, obj: object = None) -> bool:
        """Permissions follow the role, not per-user grants: admins may do all."""
        return self.is_staff

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_staff


class Customer(ClientOwnedReference):
    """A requester of one client, known by e-mail address."""

    # A new customer changes nothing memoised; a renamed or removed one does.
    reference_creations = False

    email = models.EmailField(max_length=320)  # the most Django's validator accepts
    name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(
                "client", Lower("email"), name="customer_email_unique_per_client"
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.email

    def clean(self) -> None:
        self.email = email_identity(self.email or "")


class PortalLinkUse(ClientOwned):
    """Portal sign-in links are single use: a link issued at or before `used_through`
    (the issue instant of the last link a customer signed in with) no longer opens."""

    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, primary_key=True)
    used_through = models.BigIntegerField(help_text="Issue instant, µs since the epoch.")

    def __str__(self) -> str:
        return f"portal links of customer {self.customer_id} used through {self.used_through}"
