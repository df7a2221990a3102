"""Exchanges with the refurbisher: equipment given in payment, refurbished computers
received. The computers received are then registered one by one with the exchange as
their origin (``device_actions.register_device(exchange=...)``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from aiguillage.equipment.errors import EquipmentError
from aiguillage.equipment.models import Exchange, ExchangeDirection, PartnerRole, Programme
from aiguillage.equipment.programme_actions import has_role
from aiguillage.journal.actions import log_event
from aiguillage.organisations.models import Organisation


@transaction.atomic
def record_exchange(
    *,
    actor: Any,
    programme: Programme,
    partner: Organisation,
    direction: str,
    on: dt.date,
    quantity: int,
    description: str = "",
) -> Exchange:
    """``quantity`` devices given to or received from ``partner``, which must hold the
    « reconditionnement » role in ``programme``."""
    if not has_role(programme, partner, PartnerRole.REFURBISHING):
        raise EquipmentError(
            f"{partner.name} n'est pas partenaire « reconditionnement » de ce programme."
        )
    if direction not in ExchangeDirection.values:
        raise EquipmentError("Indiquez si le matériel est remis ou reçu.")
    if quantity is None or quantity < 1:
        raise EquipmentError("Le nombre d'appareils est d'au moins 1.")
    if quantity > 10_000:
        raise EquipmentError("Un échange compte au plus 10 000 appareils.")
    if on > timezone.localdate():
        raise EquipmentError("La date de l'échange ne peut pas être dans le futur.")
    exchange = Exchange.objects.create(
        programme=programme, partner=partner, direction=direction, on=on, quantity=quantity,
        description=description.strip()[:300], created_by=actor,
    )  # fmt: skip
    log_event(
        "exchange_recorded",
        actor=actor,
        obj=exchange,
        territory_id=programme.territory_id,
        data={"direction": direction, "quantity": quantity},
    )
    return exchange
