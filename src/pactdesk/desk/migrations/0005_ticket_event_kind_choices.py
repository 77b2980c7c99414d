# The event kinds become choices (from pactdesk.domain.vocabulary.EventKind); the column
# widens from 20 to 30 characters: "acknowledgement_withheld" is 24.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('desk', '0004_message_recipients_and_copies'),
    ]

    operations = [
        migrations.AlterField(
            model_name='ticketevent',
            name='kind',
            field=models.CharField(choices=[('lodged', 'Lodged'), ('staff_reply', 'Replied'), ('auto_reply', 'Acknowledgement sent'), ('note', 'Note added'), ('customer_reply', 'Customer replied'), ('status', 'Status set to'), ('reopened', 'Reopened'), ('invalid', 'Marked invalid:'), ('valid', 'Marked valid'), ('merged', 'Merged into'), ('priority', 'Priority set to'), ('assigned', 'Assigned to'), ('merged_in', 'Merged in'), ('unmerged', 'Unmerged from'), ('copied', 'Copied on replies:'), ('uncopied', 'No longer copied:'), ('acknowledgement_withheld', 'Acknowledgement not sent:')], max_length=30),
        ),
    ]
