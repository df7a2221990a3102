from django.apps import AppConfig


class UiConfig(AppConfig):
    name = "aiguillage.ui"
    default_auto_field = "django.db.models.BigAutoField"
