"""manage.py seed_demo --size small|national [--seed N]: demo logins and generated demo data."""

from django.core.management.base import BaseCommand

from org import demo


class Command(BaseCommand):
    help = "デモデータ（デモ用ログインと、支部職員・推進員）を登録します。何度実行しても重複しません。"

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=["small", "national"], default="small")
        parser.add_argument("--seed", type=int, default=2024, help="乱数の種（同じ値なら同じデータ）")

    def handle(self, *args, size, seed, **options):
        result = demo.seed(size=size, seed=seed)
        self.stdout.write(
            f"デモデータ（{size}）: デモ用ログイン {result['demo_logins_created']} 件を追加、"
            f"生成ユーザー {result['generated_created']} 件を追加（全 {result['generated_total']} 件）"
        )
