from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "加入勧奨推進費（支給申請・審査・支払）"
