"""Who may see and run coverage analyses: the territory's coordination. One rule per line."""

from __future__ import annotations

from django.http import Http404

from aiguillage.accounts.models import User
from aiguillage.accounts.permissions import get_territory_for_coordinator, is_coordinator
from aiguillage.coverage.models import CoverageRun
from aiguillage.territories.models import Territory


def can_run_coverage(user: User, territory: Territory) -> bool:
    # The analysis shows where the whole network falls short: it is the coordination's tool.
    return is_coordinator(user, territory)


def can_edit_demand_parameters(user: User, territory: Territory) -> bool:
    # The formula's values change every estimate of the territory: coordination only.
    return is_coordinator(user, territory)


def get_territory_for_coverage(user: User, slug: str) -> Territory:
    """404 for outsiders, 403 for members of the territory's structures (see accounts)."""
    return get_territory_for_coordinator(user, slug)


def get_run_for_user(user: User, slug: str, public_id: object) -> CoverageRun:
    """A run of a territory the user coordinates; any other run does not exist for them."""
    territory = get_territory_for_coverage(user, slug)
    run = CoverageRun.objects.filter(territory=territory, public_id=public_id).first()
    if run is None:
        raise Http404("Analyse introuvable")
    return run
