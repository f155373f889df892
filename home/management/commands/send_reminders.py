"""manage.py send_reminders [--date YYYY-MM-DD]: the day's reminders (home.reminders), run daily by a
timer (README). Run twice on one day, the second run gives nothing. The daily run also removes
uploads nobody confirmed (kit.imports), which otherwise go only when the next upload comes."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from home import reminders
from kit import imports
from lib import wareki

SUBJECTS = {
    "claim_deadline": "支給申請の提出期限",
    "claims_to_send": "本部への送付期限",
    "koyou": "雇用保険の手続の確認",
    "councils_due": "今月の協議会",
    "training_missing": "推進員研修の未実施",
    "claims_to_decide": "支給決定待ち",
    "batches_to_approve": "支払バッチの承認",
    "late_branches": "期限を過ぎた支部",
}


class Command(BaseCommand):
    help = "その日のリマインダー（締切の近い作業の通知）を送ります。同じ日に2回実行しても重複しません。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="この日付として実行する（YYYY-MM-DD、省略時は今日）")

    def handle(self, *args, **options):
        today = timezone.localdate()
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(
                    f"--date は YYYY-MM-DD の形で指定してください（{options['date']}）。"
                ) from None
        imports.sweep()
        given = reminders.run(today)
        parts = [f"{SUBJECTS[key]} {n}件" for key, n in given.items() if n]
        self.stdout.write(
            f"{wareki.format_date(today)} の通知：{sum(given.values())}件"
            + (f"（{'、'.join(parts)}）" if parts else "")
        )
