"""Addresses in their one normal form (pactdesk.domain.identity.email_identity).

Log-in and intake used to compare addresses ignoring case; they now compare the stored
normal form exactly, so rows saved before in another form (through the admin, say) are
rewritten. Two rows that are one identity cannot both be kept: the migration stops and
names them, for a person to decide which account or customer stays.
"""

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
    dependencies = [("accounts", "0003_customer_email_320")]

    operations = [migrations.RunPython(_normalise, migrations.RunPython.noop)]
