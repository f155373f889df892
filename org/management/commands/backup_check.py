"""manage.py backup_check: prove the backup procedure on this database — pg_dump, pg_restore into a
fresh database, then the same row count in every table and the same audit trail, row for row.

The procedure it follows is the README's ("Backup and restore"); run it after changing either.
"""

import hashlib
import os
import subprocess
import tempfile
from pathlib import Path

import psycopg
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from psycopg import sql

AUDIT_ROWS = (
    "SELECT id, timestamp, actor_id, action, event, content_type_id, object_pk, object_repr, changes, branch_id "
    "FROM audit_auditentry ORDER BY id"
)


def _one(row: tuple[int, ...] | None) -> int:
    """The number a count query returns (always one row)."""
    if row is None:
        raise CommandError("件数を数えられませんでした。")
    return row[0]


def snapshot(url: str) -> dict:
    """Every table's row count, and a digest of the whole audit trail in id order."""
    with psycopg.connect(url) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        counts = {
            name: _one(
                conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(name))).fetchone()
            )
            for name in tables
        }
        digest = hashlib.sha256()
        for row in conn.execute(sql.SQL(AUDIT_ROWS)):
            digest.update(repr(row).encode())
    return {"counts": counts, "audit": digest.hexdigest()}


def differences(source: dict, restored: dict) -> list[str]:
    problems = [
        f"{table}: {count:,}行 → {restored['counts'].get(table, 0):,}行"
        for table, count in source["counts"].items()
        if restored["counts"].get(table) != count
    ]
    problems += [
        f"{table}: 復元側にだけあります" for table in restored["counts"].keys() - source["counts"].keys()
    ]
    if source["audit"] != restored["audit"]:
        problems.append("監査ログの内容が一致しません")
    return problems


class Command(BaseCommand):
    help = "pg_dump と pg_restore で新しいデータベースに復元し、全テーブルの件数と監査ログが一致することを確かめます。"

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("バックアップの確認は PostgreSQL のデータベースで行います。")
        settings = connection.settings_dict
        base = {
            "host": settings["HOST"] or "127.0.0.1",
            "port": str(settings["PORT"] or 5432),
            "user": settings["USER"] or "postgres",
        }
        env = {**os.environ, "PGHOST": base["host"], "PGPORT": base["port"], "PGUSER": base["user"]}
        if settings.get("PASSWORD"):
            env["PGPASSWORD"] = settings["PASSWORD"]
        source = f"postgresql://{base['user']}@{base['host']}:{base['port']}/{settings['NAME']}"
        copy = f"{settings['NAME']}_restore_check"
        admin = f"postgresql://{base['user']}@{base['host']}:{base['port']}/postgres"
        with tempfile.TemporaryDirectory() as folder:
            dump = Path(folder) / "issou.dump"
            # The PostgreSQL client programs, with this database's own name: nothing from outside.
            subprocess.run(["pg_dump", "-Fc", "-f", str(dump), settings["NAME"]], env=env, check=True)  # noqa: S603, S607
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{copy}"')
                conn.execute(f'CREATE DATABASE "{copy}"')
            try:
                subprocess.run(  # noqa: S603
                    ["pg_restore", "--no-owner", "--exit-on-error", "-d", copy, str(dump)],  # noqa: S607
                    env=env,
                    check=True,
                )
                before = snapshot(source)
                after = snapshot(f"postgresql://{base['user']}@{base['host']}:{base['port']}/{copy}")
            finally:
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{copy}"')
        problems = differences(before, after)
        if problems:
            raise CommandError("復元したデータベースが元と一致しません：" + "、".join(problems))
        rows = sum(before["counts"].values())
        self.stdout.write(
            f"復元を確認しました：{len(before['counts'])}テーブル・{rows:,}行・監査ログ{before['counts']['audit_auditentry']:,}件が一致。"
        )
