"""« Où ouvrir ensuite ? » and « si ce lieu ouvrait le samedi… » on a finished run."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aiguillage.places.models import Place


def _url(name, run):
    return reverse(f"coverage:{name}", args=[run.territory.slug, run.public_id])


def test_suggestions_put_the_town_hall_of_the_uncovered_village_first(
    client, coordinator, finished_run
):
    client.force_login(coordinator)
    page = client.get(_url("suggestions", finished_run)).content.decode()
    results = page.split('id="propositions"', 1)[1]
    assert results.index("Mairie de Vif") < results.index("Comment ces sites sont choisis")
    assert "Mairie (non publiée)" in results
    assert "au moins 63 % du meilleur résultat possible" in page
    assert "+ " in results


@pytest.mark.parametrize("method", ["greedy", "greedy+exchange", "exact"])
def test_every_method_gives_sites_with_people_added(client, coordinator, finished_run, method):
    client.force_login(coordinator)
    query = {
        "besoin": "demarches",
        "creneau": "tout-moment",
        "nombre": "2",
        "distance_km": "5",
        "methode": method,
        "sites": ["lieux", "batiments"],
    }
    response = client.get(_url("suggestions", finished_run), query)
    assert response.status_code == 200
    result = response.context["result"]
    assert result.method == method
    assert 1 <= len(result.sites) <= 2
    assert result.sites[0].people_added > 0
    assert result.people_covered == pytest.approx(sum(s.people_added for s in result.sites))


def test_only_existing_places_can_be_chosen_as_candidates(client, coordinator, finished_run):
    client.force_login(coordinator)
    query = {
        "besoin": "demarches",
        "creneau": "tout-moment",
        "nombre": "3",
        "distance_km": "5",
        "methode": "greedy",
        "sites": ["lieux"],
    }
    response = client.get(_url("suggestions", finished_run), query)
    labels = [suggestion.site.label for suggestion in response.context["result"].sites]
    assert "Mairie de Vif" not in labels
    assert response.context["candidate_count"] == 2


def test_a_suggestion_form_without_sites_shows_a_french_error(client, coordinator, finished_run):
    client.force_login(coordinator)
    query = {
        "besoin": "demarches",
        "creneau": "tout-moment",
        "nombre": "3",
        "distance_km": "5",
        "methode": "greedy",
    }
    response = client.get(_url("suggestions", finished_run), query)
    assert "Ce champ est obligatoire." in response.content.decode()
    assert "result" not in response.context


def test_scenario_saturday_morning_brings_people_within_reach(client, coordinator, finished_run):
    """The Échirolles library opens on Saturday morning: everyday-tools help on Saturdays."""
    library = Place.objects.get(nom="Médiathèque d'Échirolles")
    client.force_login(coordinator)
    query = {"lieu": str(library.public_id), "horaires": "Sa 09:00-12:00", "distance_km": "5"}
    response = client.get(_url("scenario", finished_run), query)
    scenario = response.context["scenario"]
    gains = {(gain.need, gain.window): gain for gain in scenario.gains}
    assert gains[("quotidien", "samedi")].people_newly_covered > 0
    assert ("quotidien", "semaine-journee") not in gains  # already open on weekdays
    assert response.context["changed"].horaires == "Tu-Fr 13:00-18:00, Sa 09:00-12:00"
    assert "Le samedi (9 h – 18 h)" in response.content.decode()


def test_scenario_adding_a_service_covers_that_need(client, coordinator, finished_run):
    library = Place.objects.get(nom="Médiathèque d'Échirolles")
    client.force_login(coordinator)
    query = {"lieu": str(library.public_id), "service": "demarches", "distance_km": "5"}
    response = client.get(_url("scenario", finished_run), query)
    needs = {gain.need for gain in response.context["scenario"].gains}
    assert needs == {"demarches"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"horaires": "le samedi matin"}, "Les horaires ne sont pas au format attendu"),
        ({}, "Indiquez des horaires en plus ou un service ajouté"),
        ({"remplacer": "on", "service": "demarches"}, "Indiquez les nouveaux horaires"),
    ],
)
def test_scenario_form_errors_are_in_french(client, coordinator, finished_run, query, message):
    library = Place.objects.get(nom="Médiathèque d'Échirolles")
    client.force_login(coordinator)
    full = {"lieu": str(library.public_id), "distance_km": "5"} | query
    response = client.get(_url("scenario", finished_run), full)
    assert message in response.content.decode()
    assert "scenario" not in response.context


def test_link_from_the_results_presets_need_and_window(client, coordinator, finished_run):
    client.force_login(coordinator)
    response = client.get(
        _url("suggestions", finished_run), {"besoin": "quotidien", "creneau": "samedi"}
    )
    result = response.context["result"]
    assert (result.needs, result.window) == (("quotidien",), "samedi")
    assert result.method == "greedy+exchange"
    assert 'value="samedi" selected' in response.content.decode()
