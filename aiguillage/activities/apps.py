from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    """Every accompaniment recorded (« compte rendu d'activité »), typed or derived."""

    name = "aiguillage.activities"
    verbose_name = "Accompagnements"
    default_auto_field = "django.db.models.BigAutoField"
