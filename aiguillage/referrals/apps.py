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
        # A referral to a workshop follows the organiser's roll call: « personne venue » at
        # the first presence, « accompagnement fait » when the cycle is settled.
        from aiguillage.referrals.actions import (
            follow_workshop_attendance,
            follow_workshop_completion,
        )
        from aiguillage.workshops.listeners import on_attendance, on_enrolment_status

        on_attendance(follow_workshop_attendance)
        on_enrolment_status(follow_workshop_completion)
