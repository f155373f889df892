from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "roster"
    verbose_name = "未手続事業名簿"
