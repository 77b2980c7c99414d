"""The history of a ticket, which client users read, named an assignee by their staff
e-mail address; it names them by display name now. Older "assigned" events are
rewritten the same way."""

from django.db import migrations


def _names(apps, schema_editor):
    event_model = apps.get_model("desk", "TicketEvent")
    user_model = apps.get_model("accounts", "User")
    events = event_model.objects.filter(kind="assigned", value__contains="@")
    addresses = set(events.values_list("value", flat=True))
    staff = user_model.objects.filter(client__isnull=True).values_list("email", "name")
    names = {email.strip().lower(): name for email, name in staff}
    for address in addresses:
        name = names.get(address.strip().lower(), "a member of staff")
        events.filter(value=address).update(value=name)


class Migration(migrations.Migration):
    dependencies = [("desk", "0002_raw_mail_and_long_values")]

    operations = [migrations.RunPython(_names, migrations.RunPython.noop)]
