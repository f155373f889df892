"""manage.py demo_logins: prints the demo logins (used by `make run`)."""

from django.core.management.base import BaseCommand

from org import demo
from org.models import User


class Command(BaseCommand):
    help = "デモ用ログインの一覧を表示します。"

    def handle(self, *args, **options):
        present = {
            user.username: user
            for user in User.objects.filter(
                username__in=[d.username for d in demo.DEMO_LOGINS]
            ).select_related("branch")
        }
        if not present:
            self.stdout.write("デモ用ログインはありません（seed_demo を実行してください）。")
            return
        self.stdout.write(f"デモ用ログイン（パスワードはすべて {demo.DEMO_PASSWORD}）:")
        for login in demo.DEMO_LOGINS:
            if login.username in present:
                user = present[login.username]
                self.stdout.write(f"  {login.username:<18} {user.affiliation} {login.role.label}")
        self.stdout.write(f"管理者の二要素認証キー（認証アプリに手入力）: {demo.DEMO_TOTP_KEY_BASE32}")
