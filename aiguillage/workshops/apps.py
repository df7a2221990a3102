from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    """Workshops, training cycles and events: sessions, enrolment, attendance."""

    name = "aiguillage.workshops"
    verbose_name = "Ateliers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A person anonymised anywhere (withdrawn consent, retention) leaves the workshops'
        # lists too: open enrolments are cancelled and every enrolment loses the link.
        from aiguillage.people.anonymisation import register_anonymiser
        from aiguillage.workshops.enrolment_actions import anonymise_enrolments_of_person

        register_anonymiser(anonymise_enrolments_of_person)
        # A place's public page lists its coming sessions.
        from aiguillage.places.page_sections import register_section
        from aiguillage.workshops.place_section import coming_sessions

        register_section(coming_sessions)
        # The public search shows the coming week's sessions near the places found.
        from aiguillage.places.search_sections import register_section as register_search_section
        from aiguillage.workshops.search_section import sessions_this_week

        register_search_section(sessions_this_week)
        # Each presence counts as an accompaniment (activities), typed once at the roll call.
        from aiguillage.workshops.activity_records import count_attendance
        from aiguillage.workshops.listeners import on_attendance

        on_attendance(count_attendance)
