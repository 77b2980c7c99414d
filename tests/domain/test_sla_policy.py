"""SLA policy values: targets, validation and the default shared policy."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from pactdesk.domain.errors import DomainError, SlaError
from pactdesk.domain.sla import Policy, Target

M = timedelta(minutes=1)


def test_default_shared_policy_promises_30_minutes_and_4_hours_at_90_percent() -> None:
    policy = Policy.default_shared()

    assert policy.targets == (
        Target("first_response", 30 * M, Decimal(90)),
        Target("effective_answer", timedelta(hours=4), Decimal(90)),
    )
    assert policy.pause_while_waiting is False
    assert policy.confirmation_window == timedelta(hours=72)
    assert policy.metrics == ("first_response", "effective_answer")


@pytest.mark.parametrize(
    ("goal", "expected"),
    [
        (90, Decimal(90)),
        (92.5, Decimal("92.5")),
        (Decimal("99.9"), Decimal("99.9")),
        (0, Decimal(0)),
        (100, Decimal(100)),
        ("95", Decimal(95)),
    ],
)
def test_goal_is_stored_as_decimal(goal: object, expected: Decimal) -> None:
    target = Target("first_response", 30 * M, goal)  # type: ignore[arg-type]

    assert target.goal == expected
    assert isinstance(target.goal, Decimal)


@pytest.mark.parametrize("goal", [101, -1, Decimal("100.01"), float("nan"), "abc", True, None])
def test_goal_outside_0_to_100_is_refused(goal: object) -> None:
    with pytest.raises(DomainError) as caught:
        Target("first_response", 30 * M, goal)  # type: ignore[arg-type]

    assert isinstance(caught.value, SlaError)
    assert (caught.value.code, caught.value.field) == ("invalid_goal", "goal")


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"metric": "first_response", "duration": -M}, "negative_duration", "duration"),
        ({"metric": "first_response", "duration": 30}, "invalid_type", "duration"),
        ({"metric": "resolution", "duration": M}, "unknown_metric", "metric"),
        (
            {"metric": "next_reply", "duration": M, "priority": "critical"},
            "unknown_priority",
            "priority",
        ),
    ],
)
def test_bad_target_is_refused(kwargs: dict[str, object], code: str, field: str) -> None:
    with pytest.raises(DomainError) as caught:
        Target(**kwargs)  # type: ignore[arg-type]

    assert (caught.value.code, caught.value.field) == (code, field)


def test_policy_refuses_duplicate_targets_and_negative_window() -> None:
    target = Target("first_response", 30 * M)
    with pytest.raises(DomainError) as caught:
        Policy(targets=(target, Target("effective_answer", M), Target("first_response", M)))
    assert (caught.value.code, caught.value.field) == ("duplicate_target", "targets[2]")

    with pytest.raises(DomainError) as caught:
        Policy(targets=(target,), confirmation_window=-M)
    assert (caught.value.code, caught.value.field) == ("negative_duration", "confirmation_window")

    with pytest.raises(DomainError) as caught:
        Policy(targets=("first_response",))  # type: ignore[arg-type]
    assert (caught.value.code, caught.value.field) == ("invalid_type", "targets")


def test_priority_target_replaces_the_default_for_that_priority_only() -> None:
    default = Target("first_response", 30 * M)
    urgent = Target("first_response", 10 * M, priority="urgent")
    high_only = Target("next_reply", 60 * M, priority="high")
    policy = Policy(targets=[default, urgent, high_only])  # type: ignore[arg-type]

    assert isinstance(policy.targets, tuple)
    assert policy.target_for("first_response", "urgent") == urgent
    assert policy.target_for("first_response", "normal") == default
    assert policy.target_for("next_reply", "high") == high_only
    assert policy.target_for("next_reply", "low") is None
    assert policy.metrics == ("first_response", "next_reply")
