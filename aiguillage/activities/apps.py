from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    """Every accompaniment recorded (« compte rendu d'activité »), typed or derived."""

    name = "aiguillage.activities"
    verbose_name = "Accompagnements"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A person anonymised anywhere (withdrawn consent, retention) is no longer linked to
        # the accompaniments noted for them; the anonymous counts stay.
        from aiguillage.activities.actions import unlink_person
        from aiguillage.people.anonymisation import register_anonymiser

        register_anonymiser(unlink_person)
