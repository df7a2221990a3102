from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    """Workshops, training cycles and events: sessions, enrolment, attendance."""

    name = "aiguillage.workshops"
    verbose_name = "Ateliers"
    default_auto_field = "django.db.models.BigAutoField"
