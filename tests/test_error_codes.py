"""Error codes are enum members, one enum per context: these tests fail when a code is
raised as a bare string, an enum member is misspelt, or the API stops documenting one."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from pactdesk.accounts.error_codes import AccountsErrorCode
from pactdesk.agreements.error_codes import AgreementsErrorCode
from pactdesk.api.error_codes import ANSWERED, ApiErrorCode, documented_codes
from pactdesk.api.main import api
from pactdesk.billing.error_codes import BillingErrorCode
from pactdesk.desk.error_codes import DeskErrorCode
from pactdesk.domain.error_codes import DomainErrorCode, ErrorCode
from pactdesk.intake.error_codes import IntakeErrorCode
from pactdesk.notify.error_codes import NotifyErrorCode
from pactdesk.payments.error_codes import PaymentsErrorCode
from pactdesk.platform import errors
from pactdesk.platform.error_codes import PlatformErrorCode
from pactdesk.reports.error_codes import ReportsErrorCode
from pactdesk.routing.error_codes import RoutingErrorCode
from pactdesk.staffing.error_codes import StaffingErrorCode
from pactdesk.work.error_codes import WorkErrorCode

SRC = Path(errors.__file__).resolve().parents[1]
ENUMS = [
    DomainErrorCode,
    PlatformErrorCode,
    AccountsErrorCode,
    AgreementsErrorCode,
    NotifyErrorCode,
    DeskErrorCode,
    IntakeErrorCode,
    ApiErrorCode,
    ReportsErrorCode,
    PaymentsErrorCode,
    RoutingErrorCode,
    StaffingErrorCode,
    WorkErrorCode,
    BillingErrorCode,
]
# Calls that take a code: as `code=` or, for these, as the first argument.
POSITIONAL = {"DomainError", "CalendarError", "SlaError", "error_body"}
RAISERS = POSITIONAL | {
    "ApplicationError",
    "ValidationFailed",
    "NotFound",
    "PermissionDenied",
    "Conflict",
    "ServiceClosed",
    "ValidationError",
    "MailRefused",
    "PaymentError",
    "PaymentRefused",
    "PaymentUnavailable",
}


def test_every_context_enum_is_here() -> None:
    assert set(ErrorCode.__subclasses__()) == set(ENUMS)


@pytest.mark.parametrize("codes", ENUMS, ids=lambda codes: codes.__name__)
def test_members_are_named_as_they_read(codes: type[ErrorCode]) -> None:
    assert [code.name for code in codes] == [code.value.upper() for code in codes]
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", code.value) for code in codes)


def _literal_codes(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", getattr(node.func, "attr", ""))
        if name not in RAISERS:
            continue
        given = [keyword.value for keyword in node.keywords if keyword.arg == "code"]
        if name in POSITIONAL and node.args:
            given.append(node.args[0])
        found += [
            f"{path.relative_to(SRC)}:{node.lineno} {value.value!r}"
            for value in given
            if isinstance(value, ast.Constant) and isinstance(value.value, str)
        ]
    return found


def test_no_code_is_raised_as_a_bare_string() -> None:
    sources = [path for path in SRC.rglob("*.py") if "migrations" not in path.parts]

    assert [hit for path in sources for hit in _literal_codes(path)] == []


def test_the_error_classes_default_codes_are_members() -> None:
    classes = [errors.ApplicationError, *errors.ApplicationError.__subclasses__()]
    classes += [sub for cls in list(classes) for sub in cls.__subclasses__()]

    assert all(isinstance(cls.default_code, PlatformErrorCode) for cls in classes)


def test_a_code_is_its_string_in_an_answer() -> None:
    error = errors.Conflict("taken", code=DeskErrorCode.TICKET_CLOSED, field="status")

    assert error.as_dict() == {"code": "ticket_closed", "message": "taken", "field": "status"}
    assert error.code == "ticket_closed"


def test_the_api_documents_every_code_it_can_answer() -> None:
    description = api.get_openapi_schema()["components"]["schemas"]["ErrorOut"]["properties"][
        "code"
    ]["description"]
    listed = re.findall(r"`([a-z_]+)`", description)

    assert listed == documented_codes()
    assert set(listed) == {code.value for codes in ANSWERED for code in codes}
    assert IntakeErrorCode not in ANSWERED
