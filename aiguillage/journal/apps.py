from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "aiguillage.journal"
    default_auto_field = "django.db.models.BigAutoField"
