from django.apps import AppConfig


class SteeringConfig(AppConfig):
    """Programme steering: axes, annual action plans, actions, working groups, committees."""

    name = "aiguillage.steering"
    label = "steering"
    verbose_name = "Pilotage du programme"
    default_auto_field = "django.db.models.BigAutoField"
