"""The domain error hierarchy: one base class with a stable code and optional field."""

from __future__ import annotations

import pytest

from pactdesk.domain.errors import BillingError, CalendarError, DomainError, QueueingError, SlaError


def test_domain_error_is_a_value_error_with_code_field_and_message() -> None:
    error = DomainError("naive_datetime", "start must be timezone-aware", field="start")

    assert isinstance(error, ValueError)
    assert error.code == "naive_datetime"
    assert error.field == "start"
    assert str(error) == "start must be timezone-aware"


def test_field_defaults_to_none() -> None:
    assert DomainError("bad_events", "empty").field is None


@pytest.mark.parametrize("subclass", [CalendarError, SlaError, QueueingError, BillingError])
def test_context_errors_derive_from_domain_error(subclass: type[DomainError]) -> None:
    with pytest.raises(DomainError) as caught:
        raise subclass("no_open_time", "closed all week", field="hours")

    assert caught.value.code == "no_open_time"
    assert caught.value.field == "hours"
    assert "no_open_time" in repr(caught.value)
