from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "説明会・研修・セミナー・会議"
