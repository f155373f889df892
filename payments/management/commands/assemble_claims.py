"""manage.py assemble_claims YYYY-MM [--branch 13]: the month-end run that prepares every promoter's
claim (支給申請書) for the month as a draft, for them to check and submit (R-FEE-4)."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from lib import wareki
from org.models import Branch
from payments import services
from people.models import Appointment


class Command(BaseCommand):
    help = "指定した月の支給申請書（下書き）を、全国または支部の推進員・指導員の分まとめて作成します。"

    def add_arguments(self, parser):
        parser.add_argument("month", help="対象月（例: 2026-10）")
        parser.add_argument("--branch", help="支部の都道府県コード（省略時は全国）")

    def handle(self, *args, month, branch, **options):
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", month)
        if not match or not 1 <= int(match[2]) <= 12:
            raise CommandError(f"対象月「{month}」は YYYY-MM の形で指定してください。")
        appointments = None
        if branch:
            chosen = Branch.objects.filter(prefecture__code=branch.zfill(2)).first()
            if chosen is None:
                raise CommandError(f"支部「{branch}」が見つかりません。")
            appointments = Appointment.objects.filter(branch=chosen)
        try:
            count = services.month_claims_build(
                year=int(match[1]), month=int(match[2]), appointments=appointments
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            f"{wareki.year_month(datetime.date(int(match[1]), int(match[2]), 1))}分の支給申請書を {count:,} 件作成しました。"
        )
