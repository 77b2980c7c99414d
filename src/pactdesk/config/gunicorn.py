"""Gunicorn settings of `pactdesk serve` (`--config python:pactdesk.config.gunicorn`).

The app is loaded once, in the master, before it forks its workers (`preload_app`):
Django, the URLconf with every view and API schema, the holidays package's countries,
and their libraries are imported there, and the workers share those pages
copy-on-write instead of each importing its own copy. Before forking, the master
closes any database connection (each worker opens its own). `gc.freeze()` is not
called: it kept ~10 MiB more per worker shared (the collector no longer writes to the
preloaded objects), but lodging then cost ~10 % more CPU per ticket in the intake
bench (likely because the collector's long-lived count restarts from zero after a
freeze, so full collections run far more often). Nothing
per-process exists yet at the fork: the SQLite write lock and the courier thread key
themselves on the process id, and the reference cache is empty (no request has run).
"""

from __future__ import annotations

import os
from typing import Any

preload_app = True
accesslog = "-"
# `pactdesk serve` waits 10 s for its children (STOP_GRACE_SECONDS) before killing them.
graceful_timeout = 10
if os.path.isdir("/dev/shm"):
    # Workers touch a heartbeat file on every loop; on a disk (or overlay) file system
    # that syscall cost ~15 % of a busy worker. Gunicorn's advice: tmpfs.
    worker_tmp_dir = "/dev/shm"


def when_ready(server: Any) -> None:
    """In the master, after the app is loaded and before the first fork."""
    if not server.cfg.preload_app:
        return
    from django.db import connections
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view and API schema now
    # Each worker resolves the clients' public holidays on its first lodging, which
    # loads every country of the holidays package (~18 MiB): load them here, once.
    import holidays

    holidays.list_supported_countries()
    connections.close_all()
