"""A programme and its partners: created by staff (admin) or the demo, never from a page of
the pipeline. A partner's roles say what it may be chosen for (« collecte » for a
collection, « reconditionnement » for an exchange)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from aiguillage.equipment.errors import EquipmentError
from aiguillage.equipment.models import PartnerRole, Programme, ProgrammePartner
from aiguillage.journal.actions import log_event
from aiguillage.organisations.models import Organisation
from aiguillage.territories.models import Territory


def _clean_roles(roles: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(roles))
    unknown = [role for role in chosen if role not in PartnerRole.values]
    if unknown or not chosen:
        raise EquipmentError(
            "Choisissez au moins un rôle parmi : collecte, reconditionnement, formation, remise."
        )
    return chosen


@transaction.atomic
def create_programme(
    *,
    actor: Any,
    territory: Territory,
    name: str,
    lead: Organisation,
    lead_roles: Iterable[str] = (PartnerRole.TRAINING, PartnerRole.GIFT),
    receipt_prefix: str = "DON",
    description: str = "",
    is_demo: bool = False,
) -> Programme:
    """A programme of ``territory`` led by ``lead``, which becomes its first partner."""
    if lead.territory_id != territory.pk:
        raise EquipmentError("La structure porteuse doit appartenir au territoire du programme.")
    name = name.strip()
    prefix = receipt_prefix.strip().upper()
    if not name:
        raise EquipmentError("Donnez un nom au programme.")
    if not prefix or not prefix.replace("-", "").isalnum():
        raise EquipmentError("Le préfixe des reçus s'écrit en lettres et chiffres (« DON »).")
    programme = Programme.objects.create(
        territory=territory, name=name[:120], lead=lead, description=description,
        receipt_prefix=prefix[:20], is_demo=is_demo,
    )  # fmt: skip
    ProgrammePartner.objects.create(
        programme=programme, organisation=lead, roles=_clean_roles(lead_roles)
    )
    log_event("programme_created", actor=actor, obj=programme, territory_id=territory.pk)
    return programme


@transaction.atomic
def set_partner(
    *, actor: Any, programme: Programme, organisation: Organisation, roles: Iterable[str]
) -> ProgrammePartner:
    """Add ``organisation`` as a partner with ``roles``, or replace its roles."""
    clean = _clean_roles(roles)
    partner, _ = ProgrammePartner.objects.select_for_update().get_or_create(
        programme=programme, organisation=organisation, defaults={"roles": clean}
    )
    if partner.roles != clean:
        partner.roles = clean
        partner.save(update_fields=["roles", "updated_at"])
    log_event(
        "programme_partner_set",
        actor=actor,
        obj=programme,
        territory_id=programme.territory_id,
        data={"organisation": str(organisation.public_id), "roles": clean},
    )
    return partner


def has_role(programme: Programme, organisation: Organisation, role: str) -> bool:
    partner = ProgrammePartner.objects.filter(
        programme=programme, organisation=organisation
    ).first()
    return partner is not None and role in partner.roles


def partners_with_role(programme: Programme, role: str) -> list[Organisation]:
    """The partner structures of ``programme`` holding ``role``, by name."""
    rows = ProgrammePartner.objects.filter(programme=programme).select_related("organisation")
    return sorted((row.organisation for row in rows if role in row.roles), key=lambda org: org.name)


@transaction.atomic
def log_stats_exported(*, actor: Any, programme: Programme, period: str) -> None:
    """The monthly table left the site as CSV (aggregates only, people masked)."""
    log_event(
        "equipment_stats_exported",
        actor=actor,
        obj=programme,
        territory_id=programme.territory_id,
        data={"period": period},
    )
