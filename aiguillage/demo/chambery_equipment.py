"""Grand Chambéry's Ordi'Pratique 2016–2019, the computers' side, replayed through the actions.

Régie+ collects computers from donors, the refurbishing workshop diagnoses, erases and
refurbishes them, BLÉ trains families in cycles of 10 sessions (``chambery.py``) and gives
a computer to each trained person with no computer at home: contract signed, installed at
home. The bilan says 84 people trained, 58 computers installed; the programme's figures for
2016–2019 read the same, computed from these records. A few devices collected this autumn
walk the pipeline today, so that the pages show a live stock.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Max

from aiguillage.accounts.models import User
from aiguillage.assessments import actions as assessment_actions
from aiguillage.assessments.engine import prune_skipped
from aiguillage.demo import catalogue
from aiguillage.equipment import (
    allocation_actions,
    collection_actions,
    device_actions,
    programme_actions,
)
from aiguillage.equipment.collection_actions import DonorValues, ItemLine
from aiguillage.equipment.device_actions import DeviceFacts, MoveDetails
from aiguillage.equipment.models import D, DonorKind, PartnerRole, Programme
from aiguillage.organisations.models import Organisation
from aiguillage.territories.models import Territory
from aiguillage.workshops.models import Enrolment

# seeds/003 (« Ordi'Pratique »): 84 people trained, 58 computers installed at home.
INSTALLED = 58
NAME = "Ordi'Pratique (démo)"
DONORS = (
    ("Caisse primaire d'assurance maladie de la Savoie (démo)", DonorKind.PUBLIC_BODY),
    ("Ville de Chambéry, direction des systèmes d'information (démo)", DonorKind.LOCAL_AUTHORITY),
    ("Banque régionale des Savoie (démo)", DonorKind.COMPANY),
    ("Bureau d'études Alpes Ingénierie (démo)", DonorKind.COMPANY),
)
MODELS = (
    ("portable", "Dell", "Latitude E6430", "Intel Core i5-3320M", 4, 320, 14.0),
    ("portable", "HP", "EliteBook 8470p", "Intel Core i5-3360M", 4, 500, 14.0),
    ("portable", "Lenovo", "ThinkPad T430", "Intel Core i5-3210M", 8, 320, 14.0),
    ("fixe", "Dell", "OptiPlex 7010", "Intel Core i5-3470", 4, 500, None),
)
# Where a device that does not reach a person ends.
RECYCLED = MoveDetails(recycled_reason="Carte mère hors d'usage", recycler="Filière DEEE (démo)")
ERASED = "nist_purge"
SYSTEM = MoveDetails(
    operating_system="Linux Mint", software="LibreOffice, Firefox, lecteur PDF, visioconférence"
)
ANSWERS = {
    "appareil": "emprunte",
    "connexion": "limitee",
    "usage_internet": "plus_3_mois",
    "allumer_appareil": "avec_aide",
    "recherche": "avec_aide",
    "email": "ne_sait_pas",
    "compte_en_ligne": "ne_sait_pas",
    "demarche_en_ligne": "ne_sait_pas",
    "photo_document": "avec_aide",
    "arnaque": "ne_sait_pas",
    "probleme": "ne_sait_pas",
    "difficultes": ["lire_ecrire"],
    "demarche_urgente": "non",
    "aide_entourage": "parfois",
}


def _noon(day: dt.date, tz) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=tz)


class Replay:
    def __init__(self, territory: Territory) -> None:
        self.territory = territory
        self.tz = territory.tz
        self.organisations = {
            key: Organisation.objects.get(territory=territory, name__startswith=prefix)
            for key, prefix in (
                ("ble", "BLÉ"),
                ("regie", "Régie+"),
                ("atelier", "Atelier de recon"),
            )
        }
        self.users = {
            key: User.objects.get(email=f"{email}.chambery@demo.aiguillage.fr")
            for key, email in (("ble", "ble"), ("regie", "regie"), ("atelier", "reconditionneur"))
        }
        self.serial = 0

    # --- The pipeline ----------------------------------------------------------------------

    def _device(self, collection, at: dt.datetime, *, recycle: bool):
        self.serial += 1
        kind, brand, model, cpu, ram, storage, screen = MODELS[self.serial % len(MODELS)]
        regie, atelier = self.users["regie"], self.users["atelier"]
        device = device_actions.register_device(
            actor=regie, organisation=self.organisations["regie"], programme=self.programme,
            facts=DeviceFacts(
                device_type=kind, brand=brand, model_name=model, cpu=cpu, ram_gb=ram,
                storage_gb=storage, screen_inches=screen,
                serial_number=f"DEMO{collection.collected_on:%y}{self.serial:04d}",
            ),
            collection=collection, at=at,
        )  # fmt: skip
        steps = [(D.DIAGNOSED, MoveDetails(grade="BC"[self.serial % 2]), 7)]
        if recycle:
            steps.append((D.RECYCLED, RECYCLED, 8))
        else:
            erased = MoveDetails(
                erasure_method=ERASED, erasure_certificate=f"ShredOS-{self.serial:05d}"
            )
            steps += [(D.ERASED, erased, 10), (D.REFURBISHED, SYSTEM, 14), (D.READY, None, 15)]
        for state, details, days in steps:
            when = at + dt.timedelta(days=days)
            if details is not None and state == D.ERASED:
                details = MoveDetails(
                    erasure_method=details.erasure_method,
                    erasure_certificate=details.erasure_certificate,
                    erased_at=when,
                )
            device = device_actions.move(
                actor=atelier, organisation=self.organisations["atelier"], device=device,
                to=state, details=details, at=when,
            )  # fmt: skip
        return device

    def _collection(self, day: dt.date, donor, count: int):
        return collection_actions.record_collection(
            actor=self.users["regie"], programme=self.programme, donor=donor, collected_on=day,
            collected_by=self.organisations["regie"],
            items=[ItemLine("portable", count, "avec chargeurs"), ItemLine("ecran", 2)],
        )  # fmt: skip

    # --- The people ------------------------------------------------------------------------

    def _completers(self) -> dict:
        """Completed Ordi'Pratique enrolments of 2016–2019 per cycle, by cycle end."""
        rows = (
            Enrolment.objects.completed()
            .filter(cycle__organisation=self.organisations["ble"], person__isnull=False)
            .filter(cycle__sessions__starts_at__year__lte=2019)
            .annotate(last=Max("cycle__sessions__ends_at"))
            .select_related("person")
            .order_by("last", "pk")
            .distinct()
        )
        by_cycle: dict = defaultdict(list)
        for enrolment in rows:
            by_cycle[enrolment.last].append(enrolment.person)
        return dict(sorted(by_cycle.items()))

    def _screen(self, person, at: dt.datetime) -> None:
        actor, organisation = self.users["ble"], self.organisations["ble"]
        draft = assessment_actions.start_assessment(
            actor=actor, organisation=organisation, person=person, kind="screening"
        )
        answers = prune_skipped(draft.engine_referential(), ANSWERS)
        assessment_actions.save_answers(actor=actor, assessment=draft, answers=answers)
        assessment_actions.complete_screening(actor=actor, assessment=draft, completed_at=at)

    def _give(self, person, device, cycle_end: dt.datetime) -> None:
        actor, ble = self.users["ble"], self.organisations["ble"]
        asked = cycle_end + dt.timedelta(days=2)
        allocation = allocation_actions.request_allocation(
            actor=actor, organisation=ble, programme=self.programme, person=person,
            answers={}, consent_given_now=True, at=asked,
        )  # fmt: skip
        allocation = allocation_actions.reserve_device(
            actor=actor, organisation=ble, allocation=allocation, device=device,
            at=asked + dt.timedelta(days=1),
        )  # fmt: skip
        allocation = allocation_actions.hand_over(
            actor=actor, organisation=ble, allocation=allocation, signature="papier",
            at=asked + dt.timedelta(days=7),
        )  # fmt: skip
        allocation_actions.record_installation(
            actor=actor, organisation=ble, allocation=allocation,
            installed_on=(asked + dt.timedelta(days=9)).date(),
            checklist=dict.fromkeys(("connexion", "comptes", "autonomie"), True),
        )  # fmt: skip

    # --- Run -------------------------------------------------------------------------------

    @transaction.atomic
    def run(self) -> bool:
        if Programme.objects.filter(territory=self.territory, name=NAME).exists():
            return False
        ble, regie, atelier = (self.organisations[k] for k in ("ble", "regie", "atelier"))
        self.programme = programme_actions.create_programme(
            actor=self.users["ble"], territory=self.territory, name=NAME, lead=ble,
            receipt_prefix="ORDI", is_demo=True,
            description=(
                "Des familles se forment en 10 ateliers chez BLÉ, puis reçoivent un ordinateur "
                "reconditionné, installé chez elles. Ordinateurs collectés par Régie+ auprès "
                "d'entreprises et d'administrations, reconditionnés par l'atelier partenaire."
            ),
        )  # fmt: skip
        programme_actions.set_partner(
            actor=self.users["ble"], programme=self.programme, organisation=regie,
            roles=[PartnerRole.COLLECTION],
        )  # fmt: skip
        programme_actions.set_partner(
            actor=self.users["ble"], programme=self.programme, organisation=atelier,
            roles=[PartnerRole.REFURBISHING],
        )  # fmt: skip
        donors = [
            collection_actions.create_donor(
                actor=self.users["regie"],
                programme=self.programme,
                values=DonorValues(name=name, kind=kind),
            )  # fmt: skip
            for name, kind in DONORS
        ]
        given = 0
        for index, (end, people) in enumerate(self._completers().items()):
            # The cycle's computers: one per person who completed it (until 58), plus one
            # collected that could not be saved.
            wanted = min(len(people), INSTALLED - given)
            if wanted <= 0:
                break
            day = (end - dt.timedelta(days=60)).astimezone(self.tz).date()
            collection = self._collection(day, donors[index % len(donors)], wanted + 1)
            received = _noon(day, self.tz)
            devices = [self._device(collection, received, recycle=False) for _ in range(wanted)]
            self._device(collection, received, recycle=True)
            for person, device in zip(people[:wanted], devices, strict=True):
                self._screen(person, end - dt.timedelta(days=70))
                self._give(person, device, end)
                given += 1
        self._today()
        return True

    def _today(self) -> None:
        """This autumn's collection, at every step of the pipeline."""
        from django.utils import timezone

        today = timezone.localdate(timezone.now(), self.tz)
        day = today - dt.timedelta(days=20)
        donor = self.programme.donors.order_by("name").first()
        collection = self._collection(day, donor, 7)
        regie, atelier = self.users["regie"], self.users["atelier"]
        plan = [
            [], [], [D.DIAGNOSED], [D.DIAGNOSED], [D.DIAGNOSED, D.ERASED],
            [D.DIAGNOSED, D.ERASED, D.REFURBISHED], [D.DIAGNOSED, D.ERASED, D.REFURBISHED, D.READY],
        ]  # fmt: skip
        for steps in plan:
            self.serial += 1
            kind, brand, model, cpu, ram, storage, screen = MODELS[self.serial % len(MODELS)]
            device = device_actions.register_device(
                actor=regie, organisation=self.organisations["regie"], programme=self.programme,
                facts=DeviceFacts(
                    device_type=kind, brand=brand, model_name=model, cpu=cpu, ram_gb=ram,
                    storage_gb=storage, screen_inches=screen,
                    serial_number=f"DEMO{day:%y}{self.serial:04d}",
                ),
                collection=collection, at=_noon(day, self.tz),
            )  # fmt: skip
            for offset, state in enumerate(steps, start=1):
                details = {
                    D.DIAGNOSED: MoveDetails(grade="A"),
                    D.ERASED: MoveDetails(
                        erasure_method=ERASED, erasure_certificate=f"ShredOS-{self.serial:05d}"
                    ),
                    D.REFURBISHED: SYSTEM,
                }.get(state)
                device = device_actions.move(
                    actor=atelier, organisation=self.organisations["atelier"], device=device,
                    to=state, details=details,
                    at=_noon(day + dt.timedelta(days=3 * offset), self.tz),
                )  # fmt: skip


def seed_chambery_equipment() -> bool:
    """Ordi'Pratique's computers in Grand Chambéry (demo); False when already there or when
    the workshops' replay is missing."""
    territory = Territory.objects.filter(siren=catalogue.DEMO_TERRITORIES[1]).first()
    if territory is None:
        return False
    if not Organisation.objects.filter(territory=territory, name__startswith="BLÉ").exists():
        return False
    return Replay(territory).run()


__all__ = ["INSTALLED", "NAME", "seed_chambery_equipment"]
