"""What ticket operations accept. Bodies are strict: unknown fields and wrong JSON types
are refused (422 invalid_request naming the field) before anything is read or written."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from ninja import Schema
from pydantic import (
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    WithJsonSchema,
    field_validator,
)

from pactdesk.api.error_codes import ApiErrorCode
from pactdesk.desk.models import Priority, Status
from pactdesk.desk.services.lodging import MAX_FILENAME, MAX_SUBJECT
from pactdesk.domain.vocabulary import values
from pactdesk.platform.errors import ValidationFailed
from pactdesk.platform.ids import ID_MAX, Id, id_parse

PriorityName = Literal["low", "normal", "high", "urgent"]
StatusName = Literal["new", "open", "waiting", "solved", "closed"]
# A reply may leave the ticket as it is or move it on; the desk's transitions apply.
ReplyStatus = Literal["open", "waiting", "solved"]
ChangeStatus = Literal["open", "waiting", "solved", "closed"]
Text = Annotated[str, StringConstraints(max_length=200_000)]
MAX_LIST = 100


def _client_ref(value: Any) -> int | str:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError("a client id (integer) or slug (string)")
    if isinstance(value, int) and not 1 <= value <= ID_MAX:
        raise ValueError(f"a client id is 1..{ID_MAX}")
    return value


ClientRef = Annotated[
    int | str,
    PlainValidator(_client_ref),
    WithJsonSchema(
        {
            "anyOf": [{"type": "integer", "minimum": 1, "maximum": ID_MAX}, {"type": "string"}],
            "description": "client id or slug",
        }
    ),
]

# Query strings carry text; these say which text is an id, so the schema tells callers
# (and the fuzzer) the range.
AssigneeQuery = Annotated[
    str,
    WithJsonSchema(
        {
            "anyOf": [
                {"enum": ["me", "none"]},
                {"type": "integer", "minimum": 1, "maximum": ID_MAX},
            ],
            "description": "me, none or a staff user id",
        }
    ),
]
ClientQuery = Annotated[
    str,
    WithJsonSchema(
        {
            "anyOf": [{"type": "integer", "minimum": 1, "maximum": ID_MAX}, {"type": "string"}],
            "description": "client id or slug",
        }
    ),
]

assert set(PriorityName.__args__) == set(values(Priority))  # type: ignore[attr-defined]
assert set(StatusName.__args__) == set(values(Status))  # type: ignore[attr-defined]


class StrictBody(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)


class AttachmentIn(StrictBody):
    filename: Annotated[str, StringConstraints(min_length=1, max_length=MAX_FILENAME)]
    content_base64: str

    @field_validator("content_base64")
    @classmethod
    def _is_base64(cls, value: str) -> str:
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("not standard base64") from None
        return value

    def content(self) -> bytes:
        return base64.b64decode(self.content_base64)


class TicketCreateIn(StrictBody):
    """A customer's query. Staff tokens name the client (id or slug); a client key's
    client is implied (naming another client is refused)."""

    client: ClientRef | None = None
    customer_email: Annotated[str, StringConstraints(min_length=3, max_length=320)]
    customer_name: Annotated[str, StringConstraints(max_length=200)] = ""
    subject: Annotated[str, StringConstraints(min_length=1, max_length=MAX_SUBJECT)]
    body: Text
    priority: PriorityName = "normal"
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=MAX_LIST)
    language: (
        Annotated[
            str, StringConstraints(max_length=35, pattern=r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
        ]
        | None
    ) = Field(
        None,
        description="The customer's language, a BCP 47 tag (`de`, `pt-BR`): picks the "
        "client's acknowledgement wording for it. Left out: the client's default wording.",
    )

    @field_validator("customer_email")
    @classmethod
    def _is_address(cls, value: str) -> str:
        try:
            validate_email(value.strip())
        except ValidationError:
            raise ValueError("not an e-mail address") from None
        return value.strip()


class ReplyIn(StrictBody):
    body: Text
    status: ReplyStatus | None = None
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=MAX_LIST)
    to_customer_id: int | None = Field(
        None,
        description="The customer the reply answers: one who wrote on the ticket or is "
        "copied on it. Default: the writer of the latest customer message.",
    )


class NoteIn(StrictBody):
    body: Text


class TicketPatchIn(StrictBody):
    """Any of these; what is left out is left alone. `assignee_id: null` unassigns.
    `valid: false` needs an `invalid_reason`; `valid: true` clears it."""

    status: ChangeStatus | None = None
    priority: PriorityName | None = None
    assignee_id: Id | None = None
    valid: bool | None = None
    invalid_reason: Annotated[str, StringConstraints(max_length=200)] | None = None

    def check(self) -> None:
        """Refuse a change that says nothing or contradicts itself."""
        given = self.model_fields_set
        if not given:
            raise ValidationFailed(
                "give at least one of status, priority, assignee_id, valid",
                code=ApiErrorCode.INVALID_REQUEST,
            )
        for name in ("status", "priority", "valid"):
            if name in given and getattr(self, name) is None:
                raise ValidationFailed(
                    f"{name}: must not be null", code=ApiErrorCode.INVALID_REQUEST, field=name
                )
        if self.valid is False and not (self.invalid_reason or "").strip():
            raise ValidationFailed(
                "invalid_reason: required when valid is false",
                code=ApiErrorCode.REQUIRED,
                field="invalid_reason",
            )
        if self.invalid_reason is not None and self.valid is not False:
            raise ValidationFailed(
                "invalid_reason: only with valid: false",
                code=ApiErrorCode.INVALID_REQUEST,
                field="invalid_reason",
            )


class MergeIn(StrictBody):
    into: Id
    confirm_other_customer: bool = Field(
        False,
        description="Required (true) when the tickets are of different customers; "
        "otherwise 409 other_customer. Each customer still sees only their own messages "
        "and the replies sent to them.",
    )
    copy_customers: bool = Field(
        False,
        description="Across customers: copy each customer on every later reply.",
    )


class TicketListQuery(Schema):
    """Filters of GET /api/tickets. `status` may list several: status=new,open."""

    model_config = ConfigDict(extra="forbid")

    status: str | None = None
    client: ClientQuery | None = None
    assignee: AssigneeQuery | None = None
    priority: PriorityName | None = None
    valid: bool | None = None
    q: Annotated[str, StringConstraints(max_length=200)] = ""
    breaching_within_minutes: int | None = Field(None, ge=0, le=60 * 24 * 366)
    cursor: Annotated[str, StringConstraints(max_length=200)] | None = None
    limit: int = Field(50, ge=1, le=100)

    @field_validator("status")
    @classmethod
    def _statuses(cls, value: str | None) -> str | None:
        if value is None:
            return None
        unknown = [s for s in value.split(",") if s not in values(Status)]
        if unknown:
            raise ValueError(f"{unknown[0]!r} is not one of {', '.join(Status)}")
        return value

    @field_validator("assignee")
    @classmethod
    def _assignee(cls, value: str | None) -> str | None:
        if value is None or value in ("me", "none") or id_parse(value) is not None:
            return value
        raise ValueError("use me, none or a user id")
