from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "aiguillage.accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from aiguillage.accounts.middleware import start_idle_clock

        user_logged_in.connect(start_idle_clock, dispatch_uid="aiguillage-idle-clock")
