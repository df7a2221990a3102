from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "aiguillage.referrals"
    verbose_name = "orientations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A person anonymised anywhere (withdrawn consent, retention) loses the free
        # text written about them in referrals too.
        from aiguillage.people.anonymisation import register_anonymiser
        from aiguillage.referrals.actions import anonymise_referrals_of_person

        register_anonymiser(anonymise_referrals_of_person)
