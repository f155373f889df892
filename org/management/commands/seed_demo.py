"""manage.py seed_demo --size small|national [--seed N]: demo logins and generated demo data.

Each installed app of ours with a ``demo`` module adds its part, in INSTALLED_APPS order
(org first: the users everything else hangs on).
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand

from org import revisions


class Command(BaseCommand):
    help = "デモデータ（デモ用ログイン、支部職員・推進員と委嘱・口座など）を登録します。何度実行しても重複しません。"

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=["small", "national"], default="small")
        parser.add_argument("--seed", type=int, default=2024, help="乱数の種（同じ値なら同じデータ）")

    def handle(self, *args, size, seed, **options):
        for config in apps.get_app_configs():
            if find_spec(f"{config.name}.demo") is None:
                continue
            result = import_module(f"{config.name}.demo").seed(size=size, seed=seed)
            counts = "、".join(f"{key} {value:,}" for key, value in result.items())
            self.stdout.write(f"デモデータ（{size}）{config.verbose_name}: {counts}")
        revisions.touch_all()  # the demo's records were made in bulk, past the per-record receivers
