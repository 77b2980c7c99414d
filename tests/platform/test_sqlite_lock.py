"""The SQLite backend queues writers: with a busy timeout too short for SQLite's own
polling to wait anybody out, concurrent transactions from many threads still all
commit, because each waits its turn on the write lock instead."""

from __future__ import annotations

import threading

from django.db.utils import ConnectionHandler


def test_concurrent_writers_all_commit(tmp_path, django_db_blocker) -> None:
    """A database of its own in tmp_path, outside the test database."""
    with django_db_blocker.unblock():
        path = tmp_path / "queue.sqlite3"
        handler = ConnectionHandler(
            {
                "default": {
                    "ENGINE": "pactdesk.platform.sqlite",
                    "NAME": str(path),
                    "OPTIONS": {"timeout": 0.001, "transaction_mode": "IMMEDIATE"},
                }
            }
        )
        setup = handler["default"]
        with setup.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("CREATE TABLE beat (n INTEGER, k INTEGER)")
        setup.close()
        errors: list[BaseException] = []

        def write(n: int) -> None:
            connection = handler["default"]  # one connection per thread, as in Django
            try:
                for k in range(25):
                    connection.set_autocommit(
                        False, force_begin_transaction_with_broken_autocommit=True
                    )
                    with connection.cursor() as cursor:
                        cursor.execute("INSERT INTO beat VALUES (%s, %s)", [n, k])
                        cursor.execute("SELECT count(*) FROM beat")
                    connection.commit()
                    connection.set_autocommit(True)
            except BaseException as error:  # reported by the assertion below
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        check = handler["default"]
        with check.cursor() as cursor:
            cursor.execute("SELECT count(*), count(DISTINCT n) FROM beat")
            assert cursor.fetchone() == (200, 8)
        check.close()
