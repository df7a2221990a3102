"""Coordinators: the territory's priority neighbourhoods (QPV and quartiers de veille), the
places in and near them, and a map of their outlines (docs/neighbourhoods.md)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from aiguillage.accounts.permissions import get_territory_for_coordinator
from aiguillage.places.models import Place
from aiguillage.places.neighbourhoods import count_places_by_neighbourhood
from aiguillage.territories.models import Territory
from aiguillage.territories.neighbourhood_lookup import territory_areas
from aiguillage.territories.neighbourhoods import (
    NEAR_DISTANCE_M,
    NeighbourhoodIndex,
    commune_summary,
)
from aiguillage.territories.outline_map import outline_map


@require_GET
def territory_neighbourhoods(request: HttpRequest, slug: str) -> HttpResponse:
    # Coordinators of the territory (and staff); its structures' members get 403, others 404.
    territory = get_territory_for_coordinator(request.user, slug)
    return render(request, "places/territory_neighbourhoods.html", _context(territory))


def _context(territory: Territory) -> dict:
    areas = territory_areas(territory)
    counts = count_places_by_neighbourhood(territory, NeighbourhoodIndex(areas))
    communes = list(territory.communes.all())
    names = {commune.insee_code: commune.name for commune in communes}
    places = (
        Place.objects.published()
        .in_territory(territory)
        .filter(location_is_approximate=False, latitude__isnull=False, longitude__isnull=False)
    )
    rows = [
        {
            "number": number,
            "area": area,
            "inside": counts.inside[area.key],
            "near": counts.near[area.key],
            "communes": ", ".join(names.get(code, code) for code in area.communes),
        }
        for number, area in enumerate(areas, start=1)
    ]
    with_areas = {code for area in areas for code in area.communes}
    outlines = outline_map(
        [area.geometry for area in areas],
        context=[commune.geometry for commune in communes],
        points=list(places.values_list("latitude", "longitude")),
    )
    for row, map_shape in zip(rows, outlines.focus if outlines else [], strict=False):
        row["shape"] = map_shape
    return {
        "territory": territory,
        "rows": rows,
        "qpv_count": sum(1 for area in areas if area.kind == "qpv"),
        "veille_count": sum(1 for area in areas if area.kind != "qpv"),
        "has_demo_shapes": any(area.is_demo for area in areas),
        "near_m": NEAR_DISTANCE_M,
        "not_localisable": counts.not_localisable,
        "communes": [
            (commune, commune_summary(commune.insee_code, areas, commune.population))
            for commune in communes
            if commune.insee_code in with_areas
        ],
        "map": outlines,
    }
