from __future__ import annotations

import pytest

from pactdesk.accounts.models import Customer, Role, User
from pactdesk.accounts.services import customer_get_or_create, user_create
from pactdesk.platform.errors import ValidationFailed
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_staff_user_with_a_client_is_refused_and_not_saved() -> None:
    client = ClientFactory()
    with pytest.raises(ValidationFailed) as caught:
        user_create(
            email="a@x.test", name="A", role=Role.AGENT, password="x-long-pass-1", client=client
        )
    assert (caught.value.code, caught.value.field) == ("staff_with_client", "client")
    assert not User.objects.filter(email="a@x.test").exists()


def test_client_user_without_a_client_is_refused() -> None:
    with pytest.raises(ValidationFailed) as caught:
        user_create(email="c@x.test", name="C", role=Role.CLIENT_MEMBER, password="x-long-1")
    assert (caught.value.code, caught.value.field) == ("client_required", "client")
    assert User.objects.count() == 0


def test_unknown_role_names_the_field() -> None:
    with pytest.raises(ValidationFailed) as caught:
        user_create(email="c@x.test", name="C", role="owner", password="x-long-pass-1")
    assert caught.value.field == "role"
    assert "'owner' is not one of admin, manager, agent" in caught.value.message


def test_weak_password_is_refused_with_the_validators_words() -> None:
    with pytest.raises(ValidationFailed) as caught:
        user_create(email="w@x.test", name="W", role=Role.AGENT, password="123")
    assert caught.value.field == "password"
    assert "too short" in caught.value.message
    assert User.objects.count() == 0


def test_passwords_are_hashed_with_argon2_in_production_settings() -> None:
    from django.conf import settings

    assert settings.PASSWORD_HASHERS  # the fixture swaps in MD5 for speed; check the module
    from pactdesk.config import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_email_is_stored_lower_case_and_login_ignores_case() -> None:
    user = UserFactory(email="Mixed.Case@Example.TEST")
    assert user.email == "mixed.case@example.test"
    assert User.objects.get_by_natural_key("MIXED.case@example.test") == user


def test_duplicate_email_is_refused_naming_the_field() -> None:
    UserFactory(email="dup@example.test")
    with pytest.raises(ValidationFailed) as caught:
        UserFactory(email="DUP@example.test")
    assert caught.value.field == "email"
    assert User.objects.filter(email="dup@example.test").count() == 1


def test_customer_is_found_again_by_address_whatever_its_case(now) -> None:
    client = ClientFactory()
    first = customer_get_or_create(client=client, email="Jo@Shop.test", name="Jo", now=now)
    again = customer_get_or_create(client=client, email="jo@shop.TEST", name="", now=now)
    assert again.pk == first.pk
    assert first.email == "jo@shop.test"
    assert Customer.objects.count() == 1


def test_the_same_address_is_two_customers_at_two_clients(now) -> None:
    one, two = ClientFactory(), ClientFactory()
    a = customer_get_or_create(client=one, email="jo@shop.test", name="Jo", now=now)
    b = customer_get_or_create(client=two, email="jo@shop.test", name="Jo", now=now)
    assert a.pk != b.pk
    assert (a.client_id, b.client_id) == (one.pk, two.pk)


def test_only_provider_admins_reach_the_django_admin() -> None:
    admin = UserFactory(role=Role.ADMIN)
    manager = UserFactory(role=Role.MANAGER)
    client_admin = UserFactory(role=Role.CLIENT_ADMIN, client=ClientFactory())
    assert [admin.is_staff, manager.is_staff, client_admin.is_staff] == [True, False, False]
    assert [u.is_provider_staff for u in (admin, manager, client_admin)] == [True, True, False]
