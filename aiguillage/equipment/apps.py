from django.apps import AppConfig


class EquipmentConfig(AppConfig):
    name = "aiguillage.equipment"
    label = "equipment"
    verbose_name = "Ordinateurs reconditionnés"

    def ready(self) -> None:
        # A person's file shows their computer (waiting, reserved, installed) to the
        # structure that asked for it.
        from aiguillage.equipment.person_section import computer_section, device_question_hint
        from aiguillage.people.page_sections import register_section

        register_section(computer_section)
        # The next screening's device question reminds the professional of the computer
        # installed at home, so that the gap is recorded as closed.
        from aiguillage.assessments.question_hints import register_hint

        register_hint(device_question_hint)
