from __future__ import annotations

from pactdesk.domain.errors import CalendarError
from pactdesk.platform.errors import Conflict, NotFound, ValidationFailed


def test_domain_errors_keep_their_code_and_field_under_a_prefix() -> None:
    error = ValidationFailed.from_domain(
        CalendarError("reversed_span", "tue span ends before it starts", field="hours.tue[0]"),
        prefix="calendar",
    )
    assert error.as_dict() == {
        "code": "reversed_span",
        "message": "tue span ends before it starts",
        "field": "calendar.hours.tue[0]",
    }
    assert error.http_status == 422


def test_each_error_class_has_its_http_status() -> None:
    assert [NotFound("x").http_status, Conflict("x").http_status] == [404, 409]
    assert NotFound("x").as_dict() == {"code": "not_found", "message": "x"}
