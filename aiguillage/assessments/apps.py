from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "aiguillage.assessments"
    verbose_name = "Diagnostics numériques"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A person anonymised anywhere (deletion, withdrawn consent, retention) loses their
        # answers here too; the anonymous result stays for the statistics.
        from aiguillage.assessments.actions import anonymise_assessments_of_person
        from aiguillage.people.anonymisation import register_anonymiser

        register_anonymiser(anonymise_assessments_of_person)
