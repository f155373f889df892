"""SQLite as the embedded default: the web server and the task worker write to one file at once."""

import threading
import time

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="the embedded database's settings apply to SQLite only",
)


def _connection(path) -> DatabaseWrapper:
    # The same settings as the site's database, on a file of this test's own.
    settings_dict = {**settings.DATABASES["default"], "NAME": str(path)}
    settings_dict.setdefault("TIME_ZONE", None)
    connection = DatabaseWrapper(settings_dict, alias=f"embedded-{path.name}")
    connection.ensure_connection()
    return connection


def test_wal_lets_a_second_writer_wait_instead_of_failing(tmp_path, django_db_blocker):
    path = tmp_path / "issou.sqlite3"
    with django_db_blocker.unblock():
        _two_writers(path)


def _two_writers(path) -> None:
    web = _connection(path)
    outcome = {}

    def worker():
        # The worker's own connection, in its own thread as db_worker has, running a transaction that
        # reads and then writes. Begun DEFERRED, its write would find the snapshot it read overtaken
        # by the web's commit and fail at once with "database is locked"; begun IMMEDIATE it waits.
        connection = _connection(path)
        connections[connection.alias] = connection
        begun = time.monotonic()
        try:
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM job")
                time.sleep(1)  # meanwhile the web request commits
                cursor.execute("INSERT INTO job VALUES (2)")
            outcome["waited"] = time.monotonic() - begun
        except Exception as error:  # reported below, in the test's own thread
            outcome["error"] = error
        finally:
            connection.close()

    try:
        with web.cursor() as cursor:
            assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            cursor.execute("CREATE TABLE job (n integer)")
        web.set_autocommit(False)
        with web.cursor() as cursor:
            cursor.execute("INSERT INTO job VALUES (1)")  # the web request holds the write lock
        thread = threading.Thread(target=worker)
        thread.start()
        time.sleep(0.5)
        web.commit()
        thread.join(timeout=30)
        assert "error" not in outcome, outcome
        assert outcome["waited"] >= 1.4  # half a second for the lock, then its own second
        with web.cursor() as cursor:
            assert cursor.execute("SELECT count(*) FROM job").fetchone()[0] == 2
    finally:
        web.close()
