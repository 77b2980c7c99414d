"""The reference memo: kept while the stamp holds, dropped on any watched change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from pactdesk.accounts.models import Customer
from pactdesk.accounts.services import customer_get_or_create
from pactdesk.agreements.selectors import agreement_for_lodging
from pactdesk.api.selectors import api_key_find
from pactdesk.api.services import api_key_create, api_key_revoke
from pactdesk.platform.models import ReferenceStamp
from pactdesk.platform.refcache import memo, memo_clear, stamp_bump, stamp_read
from tests.conftest import NOW
from tests.factories import ClientFactory, shared_agreement

# Committed for real: a value read inside a transaction is kept only once it commits.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def empty_memo():
    memo_clear()
    stamp_bump()  # the flush between transactional tests empties the stamp table too
    yield
    memo_clear()


class Counter:
    def __init__(self, value: object = "value") -> None:
        self.calls = 0
        self.value = value

    def __call__(self) -> object:
        self.calls += 1
        return self.value


def test_a_value_is_computed_once_while_the_stamp_holds() -> None:
    compute = Counter()
    assert [memo("k", compute) for _ in range(3)] == ["value"] * 3
    assert compute.calls == 1


def test_a_bump_drops_every_value() -> None:
    first, second = Counter("a"), Counter("b")
    memo("a", first), memo("b", second)
    stamp_bump()
    memo("a", first), memo("b", second)
    assert (first.calls, second.calls) == (2, 2)


def test_none_is_never_kept() -> None:
    compute = Counter(None)
    memo("missing", compute), memo("missing", compute)
    assert compute.calls == 2


def test_without_a_stamp_row_nothing_is_kept() -> None:
    ReferenceStamp.objects.all().delete()
    compute = Counter()
    memo("k", compute), memo("k", compute)
    assert compute.calls == 2
    stamp_bump()  # recreates the row
    assert stamp_read() is not None


def test_a_value_read_in_a_transaction_is_kept_only_once_it_commits() -> None:
    compute = Counter()
    with transaction.atomic():
        memo("k", compute)
        memo("k", compute)
        transaction.set_rollback(True)
    memo("k", compute)
    assert compute.calls == 3
    with transaction.atomic():
        memo("j", compute)
    memo("j", compute)
    assert compute.calls == 4


def test_a_rolled_back_change_never_brings_its_values_back() -> None:
    before = stamp_read()
    compute = Counter()
    with transaction.atomic():
        stamp_bump()
        inside = stamp_read()
        memo("k", compute)
        transaction.set_rollback(True)
    assert stamp_read() == before != inside
    memo("k", compute)
    stamp_bump()
    memo("k", compute)
    assert compute.calls == 3  # the value kept under the rolled-back token is never seen


def test_a_memo_hit_costs_one_single_row_read() -> None:
    client = ClientFactory()
    shared_agreement(client)
    agreement_for_lodging(client=client, on=NOW.date())
    with CaptureQueriesContext(connection) as queries:
        agreement = agreement_for_lodging(client=client, on=NOW.date())
        assert agreement.sla_policy.targets.count() == 2  # prefetched: no query
    assert [q["sql"] for q in queries.captured_queries] == [
        "SELECT token FROM platform_referencestamp WHERE id = 1"
    ]


def test_an_agreement_change_is_seen_by_the_next_lodging() -> None:
    client = ClientFactory()
    agreement = shared_agreement(client)
    assert agreement_for_lodging(client=client, on=NOW.date()).pk == agreement.pk
    agreement.end_date = NOW.date()
    agreement.save()
    with pytest.raises(Exception, match="no agreement in force"):
        agreement_for_lodging(client=client, on=NOW.date() + timedelta(days=1))
    assert agreement_for_lodging(client=client, on=NOW.date() - timedelta(days=1)).end_date == (
        NOW.date()
    )


def test_a_revoked_key_is_refused_at_once() -> None:
    client = ClientFactory()
    minted = api_key_create(now=NOW, client_slug=client.slug)
    assert api_key_find(secret=minted.secret) is not None
    api_key_revoke(prefix=minted.key.prefix, now=NOW)
    assert api_key_find(secret=minted.secret) is None


def test_a_deactivated_client_loses_its_keys_at_once() -> None:
    client = ClientFactory()
    minted = api_key_create(now=NOW, client_slug=client.slug)
    assert api_key_find(secret=minted.secret) is not None
    client.is_active = False
    client.save()
    assert api_key_find(secret=minted.secret) is None


def test_a_new_customer_keeps_the_memo_and_a_renamed_one_drops_it() -> None:
    client = ClientFactory()
    customer_get_or_create(client=client, email="a@x.test", name="A", now=NOW)
    found = customer_get_or_create(client=client, email="A@x.test", name="", now=NOW)
    stamp = stamp_read()
    customer_get_or_create(client=client, email="b@x.test", name="B", now=NOW)
    assert stamp_read() == stamp  # a creation bumps nothing
    found.name = "Ada"
    found.save()
    assert stamp_read() != stamp
    again = customer_get_or_create(client=client, email="a@x.test", name="", now=NOW)
    assert again.name == "Ada"


def test_customers_are_kept_per_client() -> None:
    ours, theirs = ClientFactory(), ClientFactory()
    mine = customer_get_or_create(client=ours, email="jo@x.test", name="", now=NOW)
    other = customer_get_or_create(client=theirs, email="jo@x.test", name="", now=NOW)
    assert customer_get_or_create(client=ours, email="jo@x.test", name="", now=NOW) == mine
    assert customer_get_or_create(client=theirs, email="jo@x.test", name="", now=NOW) == other
    assert mine.pk != other.pk
    assert Customer.objects.count() == 2


def test_a_request_reads_the_stamp_once() -> None:
    """An API lodge needs the key, the agreement and the customer: one stamp read."""
    from django.test import Client as Browser

    tenant = ClientFactory(slug="stamped")
    shared_agreement(tenant)
    secret = api_key_create(now=NOW, client_slug="stamped").secret
    browser = Browser(HTTP_AUTHORIZATION=f"Bearer {secret}")
    body = {"customer_email": "jo@shop.test", "subject": "Hi", "body": "Help"}
    assert browser.post("/api/tickets", body, content_type="application/json").status_code == 201
    with CaptureQueriesContext(connection) as queries:
        answer = browser.post("/api/tickets", body, content_type="application/json")
    assert answer.status_code == 201
    stamps = [q for q in queries.captured_queries if "platform_referencestamp" in q["sql"]]
    assert len(stamps) == 1


# --------------------------------------------------- every write of reference rows bumps

MEMOISED = {
    *("accounts.Client", "accounts.User", "accounts.Customer", "api.ApiKey"),
    *("agreements.Plan", "agreements.Calendar", "agreements.SlaPolicy"),
    *("agreements.SlaTarget", "agreements.Agreement", "notify.AcknowledgementTemplate"),
}


def reference_models() -> list[type]:
    from django.apps import apps

    from pactdesk.platform.refcache import Reference

    return [model for model in apps.get_models() if issubclass(model, Reference)]


def test_the_models_read_through_the_memo_are_the_reference_models() -> None:
    assert {model._meta.label for model in reference_models()} == MEMOISED


@pytest.mark.parametrize("label", sorted(MEMOISED))
def test_every_manager_of_a_reference_model_bumps_on_bulk_writes(label) -> None:
    from django.apps import apps

    from pactdesk.platform.refcache import ReferenceWrites

    model = apps.get_model(label)
    assert isinstance(model._default_manager.all(), ReferenceWrites)
    assert isinstance(model.objects.all(), ReferenceWrites)


def bumps(write) -> bool:
    before = stamp_read()
    write()
    return stamp_read() != before


def test_each_write_path_of_a_reference_model_bumps_the_stamp() -> None:
    """`post_save` would have missed update, bulk_create and bulk_update."""
    from pactdesk.agreements.models import Agreement

    client = ClientFactory()
    agreement = shared_agreement(client)
    rows = Agreement.objects.filter(pk=agreement.pk)
    another = Agreement(
        client=client,
        plan=agreement.plan,
        calendar=agreement.calendar,
        sla_policy=agreement.sla_policy,
        start_date=NOW.date(),
    )
    paths = {
        "save": lambda: agreement.save(),
        "update": lambda: rows.update(end_date=NOW.date()),
        "bulk_update": lambda: Agreement.objects.bulk_update([agreement], ["end_date"]),
        "bulk_create": lambda: Agreement.objects.bulk_create([another]),
        "queryset delete": lambda: Agreement.objects.exclude(pk=agreement.pk).delete(),
        "delete": lambda: agreement.delete(),
    }
    assert {name: bumps(write) for name, write in paths.items()} == dict.fromkeys(paths, True)


def test_an_update_that_changes_no_row_and_a_bookkeeping_update_keep_the_memo() -> None:
    from pactdesk.api.models import ApiKey

    client = ClientFactory()
    key = api_key_create(now=NOW, client_slug=client.slug).key
    assert not bumps(lambda: ApiKey.objects.filter(pk=-1).update(name="x"))
    assert not bumps(lambda: ApiKey.objects.filter(pk=key.pk).update_unmemoised(last_used_at=NOW))
    assert bumps(lambda: ApiKey.objects.filter(pk=key.pk).update(name="renamed"))


def test_an_agreement_ended_in_bulk_is_seen_by_the_next_lodging() -> None:
    from pactdesk.agreements.models import Agreement

    client = ClientFactory()
    shared_agreement(client)
    agreement_for_lodging(client=client, on=NOW.date() + timedelta(days=1))
    Agreement.objects.filter(client=client).update(end_date=NOW.date())
    with pytest.raises(Exception, match="no agreement in force"):
        agreement_for_lodging(client=client, on=NOW.date() + timedelta(days=1))
