"""Who may see and run a refurbished-computer programme.

Members of the partner structures (collection, refurbishing, training, gift) run the
pipeline: donors, collections, devices, exchanges. The territory's coordinators and staff
read the programme and its statistics: a page or a POST that changes something answers them
403 (as the workshops do: they may see, not run). A gift (allocation) names a person: only members
of the structure that asked for it see it, and only while that structure follows the
person; everyone else sees « réservé » with no name. Everyone else gets 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from aiguillage.accounts.models import Coordination, User
from aiguillage.equipment.models import (
    Allocation,
    Collection,
    Device,
    Donor,
    Exchange,
    Programme,
    ProgrammePartner,
)
from aiguillage.people.permissions import can_see_person, organisations_of


def partner_organisation_ids(user: User, programme: Programme) -> list[int]:
    """The user's structures that are partners of ``programme``."""
    return list(
        ProgrammePartner.objects.filter(
            programme=programme, organisation_id__in=organisations_of(user)
        ).values_list("organisation_id", flat=True)
    )


def is_partner(user: User, programme: Programme) -> bool:
    return bool(partner_organisation_ids(user, programme))


def can_read_programme(user: User, programme: Programme) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_staff or is_partner(user, programme):
        return True
    return Coordination.objects.filter(user=user, territory_id=programme.territory_id).exists()


def programmes_for(user: User):
    """The programmes the user may open, for the list page."""
    if not user.is_authenticated:
        return Programme.objects.none()
    if user.is_staff:
        return Programme.objects.all()
    partner = ProgrammePartner.objects.filter(organisation_id__in=organisations_of(user)).values(
        "programme_id"
    )
    coordinated = Coordination.objects.filter(user=user).values("territory_id")
    return Programme.objects.filter(pk__in=partner) | Programme.objects.filter(
        territory_id__in=coordinated
    )


def get_programme_for_user(user: User, public_id, *, manage: bool = False) -> Programme:
    """The programme, or 404 when the user may not read it; with ``manage``, 403 when the
    user reads it but is not a partner (coordinators and staff read only)."""
    try:
        programme = (
            Programme.objects.select_related("territory", "lead")
            .filter(public_id=public_id)
            .first()
        )
    except (ValidationError, ValueError) as error:
        raise Http404("Programme introuvable") from error
    # Outsiders: existence is hidden.
    if programme is None or not can_read_programme(user, programme):
        raise Http404("Programme introuvable")
    # Reading is not running: only the partner structures change the pipeline.
    if manage and not is_partner(user, programme):
        raise PermissionDenied("Seules les structures partenaires du programme font cela.")
    return programme


def _in_programme(model, user: User, public_id, *, manage: bool, related: tuple[str, ...]):
    """A row of ``model`` through its programme's rule (404 when missing or hidden)."""
    try:
        row = model.objects.select_related("programme", *related).filter(public_id=public_id)
        found = row.first()
    except (ValidationError, ValueError) as error:
        raise Http404("Introuvable") from error
    if found is None:
        raise Http404("Introuvable")
    get_programme_for_user(user, found.programme.public_id, manage=manage)
    return found


def get_device_for_user(user: User, public_id, *, manage: bool = False) -> Device:
    related = ("collection", "exchange", "collection__donor")
    return _in_programme(Device, user, public_id, manage=manage, related=related)


def get_donor_for_user(user: User, public_id, *, manage: bool = False) -> Donor:
    return _in_programme(Donor, user, public_id, manage=manage, related=())


def get_collection_for_user(user: User, public_id, *, manage: bool = False) -> Collection:
    related = ("donor", "collected_by", "programme__lead")
    return _in_programme(Collection, user, public_id, manage=manage, related=related)


def get_exchange_for_user(user: User, public_id, *, manage: bool = False) -> Exchange:
    return _in_programme(Exchange, user, public_id, manage=manage, related=("partner",))


def can_see_allocation(user: User, allocation: Allocation) -> bool:
    if allocation.organisation_id not in organisations_of(user):
        return False
    # The structure must still follow the person (an anonymised file closes the gift too).
    return allocation.person is not None and can_see_person(user, allocation.person)
