"""Addresses in their one normal form again: `email_identity` now also writes an
internationalised domain in its ASCII (IDNA) form, the form our mail is addressed to,
so rows stored with a Unicode domain are rewritten. As in 0004, two rows that turn out
to be one identity stop the migration, naming them."""

from django.db import migrations


def _normalise(apps, schema_editor):
    from pactdesk.domain.identity import email_identity

    for model, field, scope in (
        ("User", "email", None),
        ("Client", "support_email", None),
        ("Customer", "email", "client_id"),
    ):
        rows = apps.get_model("accounts", model).objects.all()
        seen: dict[tuple[object, str], int] = {}
        for row in rows.order_by("pk"):
            value = getattr(row, field)
            key = (getattr(row, scope) if scope else None, email_identity(value))
            if key in seen:
                raise RuntimeError(
                    f"accounts.{model} {seen[key]} and {row.pk} have one address "
                    f"({key[1]!r}); merge or rename one of them, then migrate again"
                )
            seen[key] = row.pk
            if value != key[1]:
                rows.filter(pk=row.pk).update(**{field: key[1]})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_email_identity")]

    operations = [migrations.RunPython(_normalise, migrations.RunPython.noop)]
