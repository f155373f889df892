from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "targets"
    verbose_name = "目標管理"

    def ready(self) -> None:
        from targets import figures

        figures.connect()
