"""manage.py roster_rollover --year 2027 [--branch 13]: start a year's rosters from the year before."""

from django.core.management.base import BaseCommand, CommandError

from org.models import Branch, FiscalYear
from roster.rollover import roster_rollover


class Command(BaseCommand):
    help = "前年度の名簿から、成立・廃業・移管していない事業所を新年度の名簿に引き継ぎます。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="新年度（西暦、例 2027）")
        parser.add_argument("--branch", help="都道府県コード（省略時は全支部）")

    def handle(self, *args, year, branch, **options):
        fiscal_year = FiscalYear.objects.filter(year=year).first()
        if fiscal_year is None:
            raise CommandError(f"{year}年度は登録されていません。")
        branches = Branch.objects.select_related("prefecture").order_by("prefecture__code")
        if branch:
            branches = branches.filter(prefecture__code=branch.zfill(2))
            if not branches:
                raise CommandError(f"都道府県コード {branch} の支部はありません。")
        total = 0
        for each in branches:
            carried = roster_rollover(branch=each, fiscal_year=fiscal_year)
            total += carried
            if carried:
                self.stdout.write(f"{each}: {carried:,}件を引き継ぎました。")
        self.stdout.write(f"{fiscal_year.label}の名簿に計{total:,}件を引き継ぎました。")
