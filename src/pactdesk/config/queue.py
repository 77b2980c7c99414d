"""The Huey instance of the settings, built without loading drivers it will not use.

`huey.storage` imports `redis` and `psycopg` whenever they are installed, for storages
we may never use: together ~29 MiB of RSS (20 MiB private) in every process that loads
the settings. While Huey is first imported, the drivers not needed are marked absent
in `sys.modules` (so Huey's optional import fails as if they were not installed) and
unmarked right after, so any later `import redis` or `import psycopg` (Django's
PostgreSQL backend, Django's Redis cache) loads them as usual. Huey's own PostgreSQL
storage is never used; its Redis storage only with PACTDESK_REDIS_URL.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from huey.api import Huey


def queue_huey(*, redis_url: str, sqlite_path: Path) -> Huey:
    """`RedisHuey` on `redis_url` when it is set, else `SqliteHuey` in `sqlite_path`."""
    unused = ("psycopg",) if redis_url else ("redis", "psycopg")
    marked = [name for name in unused if name not in sys.modules]
    for name in marked:
        sys.modules[name] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        from huey import RedisHuey, SqliteHuey
    finally:
        for name in marked:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
    if redis_url:
        return RedisHuey("pactdesk", url=redis_url)
    return SqliteHuey("pactdesk", filename=str(sqlite_path))
