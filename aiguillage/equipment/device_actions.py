"""Every write on a device: registering it, and each move of its one state machine.

Moves that concern a person (reserve, release, hand over, install) are made by
``allocation_actions`` in the same transaction as the allocation's own change, with
``for_allocation=True``; a device page can never make them alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from aiguillage.equipment.errors import EquipmentError
from aiguillage.equipment.models import (
    Collection,
    D,
    Device,
    DeviceMove,
    ErasureMethod,
    Exchange,
    Grade,
    ItemType,
    Programme,
    device_move_problem,
)
from aiguillage.journal.actions import log_event
from aiguillage.organisations.models import Organisation

# Moves that belong to an allocation (a person is involved).
ALLOCATION_MOVES = frozenset({D.RESERVED, D.HANDED_OVER, D.INSTALLED})


@dataclass(frozen=True)
class DeviceFacts:
    """What is known of a device when it is registered (or corrected after diagnosis)."""

    device_type: str
    brand: str = ""
    model_name: str = ""
    serial_number: str = ""
    cpu: str = ""
    ram_gb: int | None = None
    storage_gb: int | None = None
    screen_inches: float | None = None
    grade: str = ""


def _check_facts(facts: DeviceFacts) -> None:
    if facts.device_type not in ItemType.values:
        raise EquipmentError("Choisissez le type d'appareil dans la liste.")
    if facts.grade and facts.grade not in Grade.values:
        raise EquipmentError("Le grade est A, B ou C.")
    if facts.ram_gb is not None and not 0 < facts.ram_gb <= 1024:
        raise EquipmentError("La mémoire vive se compte en Go, entre 1 et 1 024.")
    if facts.storage_gb is not None and not 0 < facts.storage_gb <= 100_000:
        raise EquipmentError("Le stockage se compte en Go, entre 1 et 100 000.")
    if facts.screen_inches is not None and not 5 <= facts.screen_inches <= 60:
        raise EquipmentError("La taille de l'écran se compte en pouces, entre 5 et 60.")


def normalised_serial(serial: str) -> str:
    # Labels are read by eye and typed on a phone: spaces and case are not meaningful.
    return "".join(serial.split()).upper()


def _serial_taken(programme: Programme, serial: str, *, except_pk: int | None = None) -> bool:
    if not serial:
        return False
    same = Device.objects.filter(programme=programme, serial_number=serial)
    if except_pk is not None:
        same = same.exclude(pk=except_pk)
    return same.exists()


def _serial_error(serial: str) -> EquipmentError:
    return EquipmentError(
        f"Le numéro de série « {serial} » est déjà enregistré dans ce programme : "
        "cherchez l'appareil existant plutôt que d'en créer un second."
    )


def register_device(
    *,
    actor: Any,
    organisation: Organisation | None,
    programme: Programme,
    facts: DeviceFacts,
    collection: Collection | None = None,
    exchange: Exchange | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> Device:
    """A device enters the programme, « collecté », from a collection or from the
    refurbisher. A serial number already registered in the programme is refused."""
    if (collection is None) == (exchange is None):
        raise EquipmentError("Indiquez d'où vient l'appareil : une collecte ou un échange.")
    origin = collection or exchange
    assert origin is not None
    if origin.programme_id != programme.pk:
        raise EquipmentError("Cette collecte appartient à un autre programme.")
    _check_facts(facts)
    serial = normalised_serial(facts.serial_number)
    if _serial_taken(programme, serial):
        raise _serial_error(serial)
    now = timezone.now()
    when = at or now
    if when > now:
        raise EquipmentError("Un appareil ne peut pas être enregistré à une date future.")
    received_on = collection.collected_on if collection else exchange.on  # type: ignore[union-attr]
    try:
        with transaction.atomic():
            device = Device.objects.create(
                programme=programme, collection=collection, exchange=exchange,
                device_type=facts.device_type, brand=facts.brand.strip()[:60],
                model_name=facts.model_name.strip()[:100], serial_number=serial,
                cpu=facts.cpu.strip()[:100], ram_gb=facts.ram_gb, storage_gb=facts.storage_gb,
                screen_inches=facts.screen_inches, grade=facts.grade, state=D.COLLECTED,
                state_changed_at=when, received_on=received_on, is_demo=programme.is_demo,
                created_by=actor,
            )  # fmt: skip
            DeviceMove.objects.create(
                device=device, from_state="", to_state=D.COLLECTED, actor=actor,
                organisation=organisation, at=when, note=note.strip()[:300],
            )  # fmt: skip
            log_event(
                "device_registered",
                actor=actor,
                obj=device,
                territory_id=programme.territory_id,
                data={"state": D.COLLECTED},
            )
    except IntegrityError as error:
        # Two people typing the same label at the same instant: the unique index decides.
        raise _serial_error(serial) from error
    return device


@transaction.atomic
def correct_device(
    *, actor: Any, organisation: Organisation | None, device: Device, facts: DeviceFacts
) -> Device:
    """Correct what was typed (type, brand, specifications, serial), in any state."""
    _check_facts(facts)
    current = Device.objects.select_for_update().get(pk=device.pk)
    serial = normalised_serial(facts.serial_number)
    if _serial_taken(current.programme, serial, except_pk=current.pk):
        raise _serial_error(serial)
    changed = {}
    for field in (
        "device_type", "brand", "model_name", "cpu", "ram_gb", "storage_gb", "screen_inches",
        "grade",
    ):  # fmt: skip
        value = getattr(facts, field)
        if getattr(current, field) != value:
            changed[field] = value
    if current.serial_number != serial:
        changed["serial_number"] = serial
    if changed:
        try:
            with transaction.atomic():
                Device.objects.filter(pk=current.pk).update(**changed, updated_at=timezone.now())
        except IntegrityError as error:
            raise _serial_error(serial) from error
        log_event(
            "device_corrected",
            actor=actor,
            obj=current,
            territory_id=current.programme.territory_id,
            data={"fields": sorted(changed)},
        )
    current.refresh_from_db()
    return current


@dataclass(frozen=True)
class MoveDetails:
    """What a move records beyond who and when. Each target state needs its own part."""

    note: str = ""
    grade: str = ""
    erasure_method: str = ""
    erasure_certificate: str = ""
    erased_at: dt.datetime | None = None
    operating_system: str = ""
    software: str = ""
    recycled_reason: str = ""
    recycler: str = ""


def _changes_for(current: Device, to: str, details: MoveDetails, actor: Any, now) -> dict:
    """The device fields the move sets, or a French refusal when a detail is missing."""
    if to == D.DIAGNOSED:
        if details.grade and details.grade not in Grade.values:
            raise EquipmentError("Le grade est A, B ou C.")
        return {"grade": details.grade} if details.grade else {}
    if to == D.ERASED:
        if details.erasure_method not in ErasureMethod.values:
            raise EquipmentError(
                "Indiquez la méthode d'effacement des données : sans elle, l'appareil ne "
                "peut pas passer l'étape « données effacées »."
            )
        certificate = details.erasure_certificate.strip()
        if not certificate:
            raise EquipmentError(
                "Indiquez le certificat d'effacement (numéro ou nom du rapport du logiciel)."
            )
        erased_at = details.erased_at or now
        if erased_at > now:
            raise EquipmentError("La date d'effacement ne peut pas être dans le futur.")
        return {
            "erasure_method": details.erasure_method,
            "erasure_certificate": certificate[:200],
            "erased_at": erased_at,
            "erased_by": actor,
        }
    if to == D.REFURBISHED:
        system = details.operating_system.strip()
        if not system:
            raise EquipmentError("Indiquez le système installé (par exemple « Linux Mint 22 »).")
        return {"operating_system": system[:100], "software": details.software.strip()[:300]}
    if to == D.RECYCLED:
        reason, recycler = details.recycled_reason.strip(), details.recycler.strip()
        if not reason or not recycler:
            raise EquipmentError("Indiquez pourquoi l'appareil est recyclé et qui le recycle.")
        return {"recycled_reason": reason[:200], "recycler": recycler[:200]}
    return {}


def move(
    *,
    actor: Any,
    organisation: Organisation | None,
    device: Device,
    to: str,
    details: MoveDetails | None = None,
    for_allocation: bool = False,
    at: dt.datetime | None = None,
) -> Device:
    """Move ``device`` to ``to`` along ``DEVICE_TRANSITIONS``, or raise ``EquipmentError``
    and change nothing. The row is locked; a ``DeviceMove`` and a journal entry record it.

    ``at`` records a move made earlier (the workshop's sheet typed in the evening, a
    programme's past years): never in the future nor before the device's previous move."""
    details = details or MoveDetails()
    if to in ALLOCATION_MOVES and not for_allocation:
        raise EquipmentError(
            "Un appareil est réservé, remis ou installé depuis la page de la personne "
            "(attribution d'un ordinateur)."
        )
    if to not in {s.value for s in D}:
        raise EquipmentError("Cette étape n'existe pas.")
    with transaction.atomic():
        current = Device.objects.select_for_update().get(pk=device.pk)
        problem = device_move_problem(current.state, to)
        if problem:
            raise EquipmentError(problem)
        if current.state == D.RESERVED and to == D.READY and not for_allocation:
            raise EquipmentError("Annulez la réservation depuis l'attribution de l'ordinateur.")
        now = timezone.now()
        when = at or now
        if when > now:
            raise EquipmentError("Une étape ne peut pas être datée dans le futur.")
        if when < current.state_changed_at:
            raise EquipmentError(
                "Cette étape ne peut pas être datée avant l'étape précédente de l'appareil."
            )
        changes = _changes_for(current, to, details, actor, when)
        Device.objects.filter(pk=current.pk).update(
            state=to, state_changed_at=when, updated_at=now, **changes
        )
        recorded = {
            key: (value.isoformat() if isinstance(value, dt.datetime) else value)
            for key, value in changes.items()
            if key != "erased_by"
        }
        DeviceMove.objects.create(
            device=current, from_state=current.state, to_state=to, actor=actor,
            organisation=organisation, at=when, note=details.note.strip()[:300],
            details=recorded,
        )  # fmt: skip
        log_event(
            "device_moved",
            actor=actor,
            obj=current,
            territory_id=current.programme.territory_id,
            data={"from": current.state, "to": to},
        )
        current.refresh_from_db()
    return current


@transaction.atomic
def diagnose(
    *,
    actor: Any,
    organisation: Organisation | None,
    device: Device,
    facts: DeviceFacts,
    details: MoveDetails,
) -> Device:
    """The diagnosis: what was typed at registration corrected from the device itself, and
    the move to « diagnostiqué » with its grade, both or neither."""
    corrected = correct_device(actor=actor, organisation=organisation, device=device, facts=facts)
    return move(
        actor=actor, organisation=organisation, device=corrected, to=D.DIAGNOSED, details=details
    )
