from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "aiguillage.accounts"
    default_auto_field = "django.db.models.BigAutoField"
