"""Equipment objects built through the actions where a rule applies (devices, moves)."""

from __future__ import annotations

import datetime as dt

from aiguillage.equipment import device_actions
from aiguillage.equipment.device_actions import DeviceFacts, MoveDetails
from aiguillage.equipment.models import (
    Collection,
    D,
    Device,
    Donor,
    DonorKind,
    Programme,
    ProgrammePartner,
)
from aiguillage.organisations.models import Organisation


def programme(lead: Organisation, *, partners: dict | None = None, **fields) -> Programme:
    made = Programme.objects.create(
        territory=lead.territory, name=fields.pop("name", "Ordi'Pratique"), lead=lead, **fields
    )
    ProgrammePartner.objects.create(
        programme=made, organisation=lead, roles=["formation", "remise"]
    )
    for organisation, roles in (partners or {}).items():
        ProgrammePartner.objects.create(programme=made, organisation=organisation, roles=roles)
    return made


def donor(programme: Programme, name: str = "Entreprise Alpes Informatique") -> Donor:
    return Donor.objects.create(programme=programme, name=name, kind=DonorKind.COMPANY)


def collection(programme: Programme, *, by: Organisation, user, donor_: Donor | None = None,
               on: dt.date | None = None, number: str = "") -> Collection:  # fmt: skip
    count = Collection.objects.filter(programme=programme).count() + 1
    return Collection.objects.create(
        programme=programme, donor=donor_ or donor(programme, f"Donateur {count}"),
        collected_on=on or dt.date(2026, 10, 1), collected_by=by,
        receipt_number=number or f"DON-TEST-{count:04d}", created_by=user,
    )  # fmt: skip


def device(collection: Collection, *, user, serial: str = "", **facts) -> Device:
    return device_actions.register_device(
        actor=user, organisation=collection.collected_by, programme=collection.programme,
        facts=DeviceFacts(device_type=facts.pop("device_type", "portable"),
                          serial_number=serial, **facts),
        collection=collection,
    )  # fmt: skip


ERASED = MoveDetails(erasure_method="nist_purge", erasure_certificate="Rapport ShredOS 0001")
REFURBISHED = MoveDetails(operating_system="Linux Mint 22", software="LibreOffice, Firefox")


def ready_device(collection: Collection, *, user, serial: str = "") -> Device:
    """A device walked from collected to ready through the actions."""
    made = device(collection, user=user, serial=serial)
    for to, details in (
        (D.DIAGNOSED, MoveDetails(grade="B")),
        (D.ERASED, ERASED),
        (D.REFURBISHED, REFURBISHED),
        (D.READY, None),
    ):
        made = device_actions.move(
            actor=user, organisation=None, device=made, to=to, details=details
        )
    return made


# --- The gift of a computer (allocation) ------------------------------------------------------

# A screening whose answers raise the « pas d'appareil » gap (and one with a device of one's own).
NO_DEVICE_ANSWERS = {
    "appareil": "aucun",
    "usage_internet": "jamais",
    "allumer_appareil": "ne_sait_pas",
    "difficultes": ["lire_ecrire"],
    "demarche_urgente": "non",
    "aide_entourage": "non",
}
OWN_DEVICE_ANSWERS = {
    "appareil": "personnel",
    "connexion": "oui",
    "usage_internet": "semaine",
    **dict.fromkeys(
        ["allumer_appareil", "recherche", "email", "compte_en_ligne", "demarche_en_ligne",
         "photo_document", "arnaque", "probleme"],
        "avec_aide",
    ),
    "difficultes": ["aucune"],
    "demarche_urgente": "non",
    "aide_entourage": "oui",
}  # fmt: skip
EVERYTHING = ["accompagnement", "evaluation", "orientation", "equipement"]


def person(user, organisation, first_name: str = "Fatima", *, purposes=None, **values):
    from aiguillage.people.actions import create_person
    from aiguillage.people.rules import CONSENT_EXPLANATION

    return create_person(
        actor=user, organisation=organisation,
        values={"first_name": first_name, "last_name": "Benali-Test", **values},
        purposes=purposes or EVERYTHING, explained_text=CONSENT_EXPLANATION,
    )  # fmt: skip


def screened(user, organisation, person_, *, answers=None, at: dt.datetime | None = None):
    """A finished screening through the actions (no device at home by default)."""
    from aiguillage.assessments import actions

    assessment = actions.start_assessment(
        actor=user, organisation=organisation, person=person_, kind="screening"
    )
    actions.save_answers(actor=user, assessment=assessment, answers=answers or NO_DEVICE_ANSWERS)
    return actions.complete_screening(actor=user, assessment=assessment, completed_at=at)


def completed_cycle(user, organisation, person_, *, days_ago: int = 10, title="Ordi'Pratique",
                    code: str = "initiation_ordinateur"):  # fmt: skip
    """A two-session cycle of ``organisation`` that ``person_`` attended to the end, the
    last session ``days_ago`` days ago; returns the completed enrolment."""
    from aiguillage.workshops import attendance_actions, enrolment_actions
    from aiguillage.workshops.models import AttendanceStatus
    from tests.workshops import factories as wf

    cycle = wf.cycle(
        user, organisation, sessions=2, capacity=4, title=title,
        kind=wf.kind(organisation.territory, code),
    )  # fmt: skip
    enrolment = enrolment_actions.enrol_person(
        actor=user, target=cycle, person=person_, prescriber_organisation=organisation
    )
    first, last = cycle.sessions.order_by("starts_at")
    wf.shift_to_past([first], days=days_ago + 7)
    wf.shift_to_past([last], days=days_ago)
    for session in (first, last):
        attendance_actions.record_attendance(
            actor=user, session=session, marks={enrolment: AttendanceStatus.PRESENT}
        )
    enrolment.refresh_from_db()
    assert enrolment.status == "completed"
    return enrolment


def eligible_person(user, organisation, first_name: str = "Fatima", **values):
    """A person the structure follows, with the consent, no device and a completed cycle."""
    made = person(user, organisation, first_name, **values)
    screened(user, organisation, made)
    completed_cycle(user, organisation, made)
    return made


def recorded_collection(programme: Programme, *, by: Organisation, user, donor_: Donor,
                        on: dt.date | None = None, lines=None) -> Collection:  # fmt: skip
    """A collection recorded through the action (with its real receipt number)."""
    from aiguillage.equipment.collection_actions import ItemLine, record_collection

    return record_collection(
        actor=user, programme=programme, donor=donor_, collected_on=on or dt.date(2026, 1, 15),
        collected_by=by, items=lines or [ItemLine("portable", 3, "Dell Latitude"),
                                         ItemLine("ecran", 2)],
    )  # fmt: skip


def allocation(user, organisation, programme_: Programme, person_, *, answers=None):
    from aiguillage.equipment import allocation_actions

    return allocation_actions.request_allocation(
        actor=user, organisation=organisation, programme=programme_, person=person_,
        answers=answers or {},
    )  # fmt: skip


ALL_TICKED = {"connexion": True, "comptes": True, "autonomie": True}


def advanced(user, organisation, allocation_, device_: Device, *, to: str):
    """``allocation_`` walked through the actions to « reserve », « remis » or « installe »."""
    from django.utils import timezone

    from aiguillage.equipment import allocation_actions as aa

    current = aa.reserve_device(
        actor=user, organisation=organisation, allocation=allocation_, device=device_
    )
    if to in ("remis", "installe"):
        current = aa.hand_over(
            actor=user, organisation=organisation, allocation=current, signature="papier"
        )
    if to == "installe":
        current = aa.record_installation(
            actor=user, organisation=organisation, allocation=current,
            installed_on=timezone.localdate(), checklist=ALL_TICKED,
        )  # fmt: skip
    return current
