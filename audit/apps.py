from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "監査ログ"

    def ready(self):
        from audit import receivers  # noqa: F401  (connects the login/logout/lockout receivers)
