"""manage.py nta_diff FILE --user USERNAME: apply the NTA's difference file.

For a daily or weekly timer (README: cron or a systemd timer). The file is kept under var/ like an
upload, so the branches' import pages can show where their candidates came from.
"""

import secrets
import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kit.text import fit_filename
from lib import nta
from org.models import User
from org.roles import HQ_ROLES
from roster import ntafeed
from roster.models import JobStatus, NtaFeed

FEED_DIR = Path(settings.VAR_DIR) / "imports" / "nta_diff"


class Command(BaseCommand):
    help = (
        "法人番号公表サイトの差分データを、全支部の名簿と適用事業の一覧に突き合わせます（新規・変更・閉鎖）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="差分データ（Unicode版CSV、zip可：diff_YYYYMMDD.zip）")
        parser.add_argument("--user", required=True, help="実行者として記録する本部のユーザー名")

    def handle(self, *args, file: Path, user: str, **options):
        if not file.is_file():
            raise CommandError(f"ファイルがありません：{file}")
        actor = User.objects.filter(username=user, role__in=HQ_ROLES, is_active=True).first()
        if actor is None:
            raise CommandError(f"本部の有効なユーザー「{user}」がいません。")
        FEED_DIR.mkdir(parents=True, exist_ok=True)
        stored = FEED_DIR / (secrets.token_urlsafe(16) + file.suffix.lower())
        shutil.copyfile(file, stored)
        feed = NtaFeed.objects.create(
            filename=fit_filename(NtaFeed, "filename", file.name),
            stored_file=str(stored),
            created_by=actor,
            status=JobStatus.RUNNING,
        )
        try:
            ntafeed.apply(feed)
        except nta.NtaFormatError as error:
            NtaFeed.move(feed.pk, JobStatus.FAILED, error=str(error))
            raise CommandError(str(error)) from None
        feed.refresh_from_db()
        for line in feed.summary:
            self.stdout.write(
                f"{line['支部']}: 新規候補 {line['新規候補']:,}件、要確認 {line['要確認']:,}件、"
                f"既に名簿 {line['既に名簿']:,}件、閉鎖 {line['閉鎖']:,}件、変更 {line['変更']:,}件"
            )
        self.stdout.write(f"{file.name}：{feed.rows_read:,}法人を処理しました。")
