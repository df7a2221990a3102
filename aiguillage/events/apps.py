from django.apps import AppConfig


class EventsConfig(AppConfig):
    """Events (conferences, awareness and discovery days, forums) and their attendance counts."""

    name = "aiguillage.events"
    verbose_name = "Événements"
    default_auto_field = "django.db.models.BigAutoField"
