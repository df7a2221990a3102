"""Coordinators: where to open next (maximal coverage) and « what if this place changed »."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from aiguillage.coverage.engine import CandidateSite, CoverageAnalysis, SupplyPlace, suggest_sites
from aiguillage.coverage.engine import what_if as engine_what_if
from aiguillage.coverage.forms import ScenarioForm, SuggestionForm, need_choices, window_choices
from aiguillage.coverage.models import CoverageRun
from aiguillage.coverage.permissions import get_run_for_user
from aiguillage.coverage.storage import analysis_of
from aiguillage.places.models import Place
from aiguillage.places.rules import SERVICE_BITS

# The exact solver may take seconds on big territories: it stops there with its best.
EXACT_TIME_LIMIT_S = 20.0
PLACE_KIND = "Lieu existant"
TOWN_HALL_KIND = "Mairie (non publiée)"
OTHER_KIND = "Bâtiment public ou lieu non publié"


def suggestions(request: HttpRequest, slug: str, public_id) -> HttpResponse:
    run, analysis = _finished(request, slug, public_id)
    form = SuggestionForm(request.GET or None, settings=analysis.settings)
    context: dict[str, object] = {"run": run, "territory": run.territory, "form": form}
    if not form.is_bound or form.is_valid():
        values = form.values()
        sites = _candidates(run, values["sites"], [values["besoin"]])
        result = suggest_sites(
            analysis,
            [site for site, _ in sites],
            k=values["nombre"],
            distance_m=values["distance_km"] * 1000,
            window=values["creneau"],
            needs=[values["besoin"]],
            method=values["methode"],
            time_limit_s=EXACT_TIME_LIMIT_S,
        )
        kinds = {site.key: kind for site, kind in sites}
        context |= {
            "values": values,
            "result": result,
            "chosen": [(s, kinds[s.site.key]) for s in result.sites],
            "candidate_count": len(sites),
            "need_label": dict(need_choices(analysis.settings.needs))[values["besoin"]],
            "window_label": dict(window_choices(analysis.settings.windows))[values["creneau"]],
        }
    return render(request, "coverage/site_suggestions.html", context)


def _finished(request: HttpRequest, slug: str, public_id) -> tuple[CoverageRun, CoverageAnalysis]:
    """The run and its stored analysis; 404 when it has none (running, failed, file lost)."""
    run = get_run_for_user(request.user, slug, public_id)
    if not run.is_done:
        raise Http404("Cette analyse n'a pas de résultats.")
    try:
        return run, analysis_of(run)
    except ValueError as error:
        raise Http404(str(error)) from error


def _candidates(run: CoverageRun, kinds: list[str], needs: list[str]):
    """(CandidateSite, kind label) for the chosen kinds; a candidate would offer ``needs``."""
    mask = 0
    for need in needs:
        mask |= SERVICE_BITS[need]
    places = (
        Place.objects.filter(territory=run.territory, merged_into__isnull=True)
        .exclude(latitude__isnull=True)
        .exclude(longitude__isnull=True)
        .order_by("nom", "id")
    )
    result = []
    for place in places:
        kind = _kind(place)
        if ("lieux" if kind == PLACE_KIND else "batiments") not in kinds:
            continue
        site = CandidateSite(
            key=str(place.public_id),
            label=place.nom if place.commune in place.nom else f"{place.nom} ({place.commune})",
            latitude=place.latitude,
            longitude=place.longitude,
            service_mask=mask,
        )
        result.append((site, kind))
    return result


def _kind(place: Place) -> str:
    if place.is_published:
        return PLACE_KIND
    # Town halls are imported hidden (places.importing.HIDDEN_FORMATS) as candidate sites.
    return TOWN_HALL_KIND if "MUNI" in place.typologie else OTHER_KIND


def scenario(request: HttpRequest, slug: str, public_id) -> HttpResponse:
    run, analysis = _finished(request, slug, public_id)
    places = list(
        Place.objects.published()
        .filter(territory=run.territory)
        .exclude(latitude__isnull=True)
        .order_by("nom", "id")
    )
    form = ScenarioForm(request.GET or None, places=places, settings=analysis.settings)
    context: dict[str, object] = {"run": run, "territory": run.territory, "form": form}
    if form.is_bound and form.is_valid():
        place = next(p for p in places if str(p.public_id) == form.cleaned_data["lieu"])
        added = form.cleaned_data["service"]
        changed = SupplyPlace(
            key=str(place.public_id),
            name=place.nom,
            latitude=place.latitude,
            longitude=place.longitude,
            service_mask=place.service_mask | (SERVICE_BITS[added] if added else 0),
            horaires=form.new_hours(place.horaires),
        )
        distance_m = form.cleaned_data["distance_km"] * 1000
        result = engine_what_if(analysis, changed, distance_m=distance_m, tz=run.territory.tz)
        context |= _scenario_context(analysis, place, changed, result)
    return render(request, "coverage/scenario.html", context)


def _scenario_context(analysis, place, changed, result) -> dict[str, object]:
    needs = dict(need_choices(analysis.settings.needs))
    windows = dict(window_choices(analysis.settings.windows))
    names = analysis.commune_names
    gains = [
        {
            "need": needs[gain.need],
            "window": windows[gain.window],
            "people": gain.people_newly_covered,
            "communes": sorted(
                [
                    (names.get(code, code), people)
                    for code, people in gain.by_commune.items()
                    if people >= 0.5  # shown rounded to whole persons
                ],
                key=lambda item: -item[1],
            ),
        }
        for gain in result.gains
    ]
    return {"place": place, "changed": changed, "scenario": result, "gains": gains}
