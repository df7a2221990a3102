"""Coordinators edit the demand formula's values, with French messages for bad inputs."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aiguillage.coverage.actions import demand_parameters_of
from aiguillage.coverage.engine import COMPONENTS, DemandParameters
from aiguillage.coverage.forms import DemandParametersForm


def _valid_post(**changes) -> dict[str, str]:
    initial = DemandParametersForm.initial_for(DemandParameters())
    values = {name: str(value).replace(".", ",") for name, value in initial.items()}
    return values | changes


def test_page_shows_the_formula_with_the_territorys_values(client, coordinator, territory):
    client.force_login(coordinator)
    response = client.get(reverse("coverage:parameters", args=[territory.slug]))
    page = response.content.decode()
    assert "Personnes en difficulté = population × part des 15 ans et plus × taux estimé." in page
    assert "15,4 %" in page
    assert 'value="15,4"' in page  # French decimal comma in the form


def test_valid_values_written_the_french_way_are_stored_and_used(client, coordinator, territory):
    client.force_login(coordinator)
    url = reverse("coverage:parameters", args=[territory.slug])
    response = client.post(url, _valid_post(national_rate="12,5", weight_older_65_rate="0,8"))
    assert response.status_code == 302
    stored = demand_parameters_of(territory)
    assert stored.national_rate == pytest.approx(0.125)
    assert stored.weights["older_65_rate"] == pytest.approx(0.8)
    assert "12,5 %" in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("national_rate", "beaucoup", "Saisissez un nombre, par exemple 15,4."),
        ("national_rate", "150", "Saisissez une valeur entre 0 et 100."),
        ("share_aged_15_plus", "-3", "Saisissez une valeur entre 0 et 100."),
        ("weight_poverty_rate", "5", "Saisissez une valeur entre 0 et 2."),
        ("reference_nscol15p_rate", "11", "Saisissez une valeur entre 0 et 10."),
        ("min_rate", "", "Ce champ est obligatoire."),
        ("max_rate", "1", "Le taux maximal doit être au moins égal au taux minimal."),
    ],
)
def test_bad_values_are_refused_with_a_french_message(
    client, coordinator, territory, field, value, message
):
    client.force_login(coordinator)
    url = reverse("coverage:parameters", args=[territory.slug])
    response = client.post(url, _valid_post(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Le formulaire contient" in response.content.decode()  # the error summary
    assert demand_parameters_of(territory) == DemandParameters()


def test_the_form_has_a_weight_and_a_reference_per_ifn_component():
    form = DemandParametersForm()
    assert {f"weight_{c}" for c in COMPONENTS} <= set(form.fields)
    assert {f"reference_{c}" for c in COMPONENTS} <= set(form.fields)
