from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from aiguillage.territories.models import Territory


def platform(request: HttpRequest) -> dict:
    """What every page needs: the current territory's branding and the user's roles."""
    membership = getattr(request, "membership", None)
    territory = getattr(request, "territory", None)
    return {
        "current_membership": membership,
        "current_territory": territory,
        "is_coordinator": getattr(request, "is_coordinator", False),
        "environment": settings.ENVIRONMENT,
        # Demo data is labelled as such on every page.
        "show_demo_banner": Territory.objects.filter(is_demo=True).exists(),
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
