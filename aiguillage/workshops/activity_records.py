"""Each presence at a workshop counts as an accompaniment (activities), without anyone typing
it twice: one collective record per participant and session, withdrawn if the roll call is
corrected to absent. Registered in ``WorkshopsConfig.ready``."""

from __future__ import annotations

from typing import Any

from aiguillage.activities.actions import record_derived_activity, withdraw_derived_activity
from aiguillage.workshops.models import AttendanceStatus

# The national activity-report theme each kind of the default catalogue stands for.
REPORT_THEME_OF_KIND: dict[str, str] = {
    "initiation_ordinateur": "equipementInformatique",
    "tablette_smartphone": "smartphone",
    "demarches_en_ligne": "demarcheEnLigne",
    "atelier_thematique": "autre",
    "parent_enfant": "accompagnerEnfant",
    "education_medias": "securite",
    "formation_professionnels": "autre",
    "information_collective": "autre",
}
# The workshops' La Coop-style brackets, in the national report's coarser ones.
REPORT_AGE_BRACKET: dict[str, str] = {
    "moins_de_douze": "moins12ans",
    "douze_dix_huit": "de12a18ans",
    "dix_huit_vingt_quatre": "de18a35ans",
    "vingt_cinq_trente_neuf": "de18a35ans",
    "quarante_cinquante_neuf": "de35a60ans",
    "soixante_soixante_neuf": "plus60ans",
    "soixante_dix_plus": "plus60ans",
}
REPORT_STATUS: dict[str, str] = {
    "scolarise": "etudiant",
    "sans_emploi": "sansEmploi",
    "en_emploi": "enEmploi",
    "retraite": "retraite",
}
NOT_GIVEN = "nonRenseigne"


def source_ref(attendance: Any) -> str:
    return f"{attendance.session.public_id}:{attendance.enrolment.public_id}"


def count_attendance(attendance: Any, *, actor: Any) -> None:
    session, enrolment = attendance.session, attendance.enrolment
    if attendance.status != AttendanceStatus.PRESENT:
        withdraw_derived_activity(
            actor=actor, source="attendance", source_ref=source_ref(attendance)
        )
        return
    place = (
        session.place
        if session.place and session.place.organisation_id == session.organisation_id
        else None
    )
    minutes = int((session.ends_at - session.starts_at).total_seconds() // 60)
    record_derived_activity(
        actor=actor,
        source="attendance",
        source_ref=source_ref(attendance),
        organisation=session.organisation,
        occurred_on=session.starts_at.astimezone(session.territory.tz).date(),
        kind="collective",
        themes=[REPORT_THEME_OF_KIND.get(session.kind.code, "autre")],
        participants=1,
        duration_minutes=max(1, min(minutes, 600)),
        follow_up="workshop",
        age_bracket=REPORT_AGE_BRACKET.get(enrolment.age_bracket, NOT_GIVEN),
        status=REPORT_STATUS.get(enrolment.social_status, NOT_GIVEN),
        commune=enrolment.commune,
        place=place,
        person=enrolment.person,
    )
