"""What a process loads: Django and the app without the libraries only some code paths
use (each is imported where it is used), so every process of `pactdesk serve` stays
small. Each probe runs in a fresh interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys

LAZY = (
    "charset_normalizer",
    "cryptography",
    "holidays",
    "icalendar",
    "numpy",
    "ortools",
    "psycopg",
    "redis",
    "simpy",
)


def probe(code: str, **env: str) -> list[object]:
    """Run `code` in a fresh interpreter with the project's settings; the JSON lines it
    prints."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PACTDESK_")}
    environ.update(env, DJANGO_SETTINGS_MODULE="pactdesk.config.settings")
    prelude = f"import json, sys\nLAZY = {LAZY!r}\n"
    done = subprocess.run(
        [sys.executable, "-c", prelude + code],
        env=environ,
        capture_output=True,
        text=True,
        check=True,
    )
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_django_and_the_app_load_without_the_lazy_libraries(tmp_path) -> None:
    # Given the default settings (SQLite, Huey on SQLite)
    code = (
        "import django\n"
        "django.setup()\n"
        "from django.urls import get_resolver\n"
        "get_resolver().url_patterns\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & set(LAZY))))\n"
        "from django.conf import settings\n"
        "print(json.dumps(type(settings.HUEY.storage).__name__))\n"
        "import redis, psycopg\n"
        "print(json.dumps([redis.Redis.__name__, psycopg.Connection.__name__]))\n"
    )
    # When every app and the whole URLconf are loaded
    loaded, storage, later = probe(code, PACTDESK_VAR_DIR=str(tmp_path))
    # Then none of the lazy libraries is, Huey keeps its SQLite queue, and the drivers
    # held back from Huey still import normally afterwards
    assert loaded == []
    assert storage == "SqliteStorage"
    assert later == ["Redis", "Connection"]


def test_redis_is_loaded_when_huey_uses_it(tmp_path) -> None:
    # Given PACTDESK_REDIS_URL
    code = (
        "import django\n"
        "django.setup()\n"
        "from django.conf import settings\n"
        "print(json.dumps(type(settings.HUEY.storage).__name__))\n"
        "print(json.dumps('redis' in sys.modules))\n"
    )
    # When the settings are loaded (the storage does not connect until used)
    storage, redis_loaded = probe(
        code, PACTDESK_VAR_DIR=str(tmp_path), PACTDESK_REDIS_URL="redis://127.0.0.1:1/0"
    )
    # Then Huey's queue is in Redis
    assert (storage, redis_loaded) == ("RedisStorage", True)


def test_numpy_is_loaded_by_the_bulk_calendar_forms_only() -> None:
    # Given a business calendar
    code = (
        "from datetime import datetime, timedelta, timezone\n"
        "from pactdesk.domain.calendars import BusinessCalendar\n"
        "hours = {d: [['09:00', '17:00']] for d in ('mon', 'tue', 'wed', 'thu', 'fri')}\n"
        "cal = BusinessCalendar.from_spec({'timezone': 'America/New_York', 'hours': hours})\n"
        "start = datetime(2026, 3, 6, 21, 30, tzinfo=timezone.utc)\n"
        "print(json.dumps(cal.add(start, timedelta(hours=1)).isoformat()))\n"
        "print(json.dumps('numpy' in sys.modules))\n"
        "import numpy as np\n"
        "bulk = cal.add_many(np.array(['2026-03-06T21:30'], dtype='datetime64[us]'),\n"
        "                    timedelta(hours=1))\n"
        "print(json.dumps(str(bulk[0])))\n"
    )
    # When it answers a scalar question, then a bulk one
    scalar, numpy_loaded, bulk = probe(code)
    # Then the scalar answer came without NumPy, and both agree (Friday 16:30 New York
    # plus one open hour is Monday 09:30, after the switch to summer time: 13:30 UTC)
    assert (scalar, numpy_loaded) == ("2026-03-09T13:30:00+00:00", False)
    assert bulk == "2026-03-09T13:30:00.000000"
