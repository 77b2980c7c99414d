"""The set-up every database bench shares: a throw-away folder and database, Django
configured and migrated, mail kept out of the timing.

Run the benches as scripts (`python bench/x_bench.py`): this folder is then first on
`sys.path`, so `from _setup import django_on_throwaway_database` finds this module.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def django_on_throwaway_database(prefix: str) -> Path:
    """Configure and migrate Django on a new database in a new folder (answered).

    The database is PostgreSQL when `PACTDESK_DATABASE_URL` or `PACTDESK_BENCH_PG_URL`
    names one, else SQLite in the folder. Mails go to the dummy backend: queued in
    the outbox as usual, never delivered, so delivery is not what a bench times."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["PACTDESK_VAR_DIR"] = str(folder)
    os.environ.setdefault(
        "PACTDESK_DATABASE_URL",
        os.environ.get("PACTDESK_BENCH_PG_URL") or f"sqlite:///{folder / 'bench.sqlite3'}",
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "pactdesk.config.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    call_command("migrate", verbosity=0)
    return folder
