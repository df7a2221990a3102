"""The demo replays Grand Chambéry's ITI bilan 2016–2019 through the actions; the « Bilan des
ateliers » computed from those records shows the bilan's figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from aiguillage.demo import catalogue
from aiguillage.demo.chambery import BILAN, seed_chambery_bilan
from aiguillage.workshops.models import Enrolment, Session
from aiguillage.workshops.report import workshop_report
from tests import factories


@pytest.fixture
def chambery(db):
    territory = factories.TerritoryFactory(
        name="Grand Chambéry", slug="grand-chambery", siren=catalogue.DEMO_TERRITORIES[1]
    )
    for insee, name, latitude, longitude, population in (
        ("73065", "Chambéry", 45.5646, 5.9178, 60_000),
        ("73087", "Cognin", 45.5600, 5.8900, 6_000),
        ("73179", "La Motte-Servolex", 45.5960, 5.8770, 12_000),
    ):
        factories.CommuneFactory(
            insee_code=insee, name=name, territory=territory, latitude=latitude,
            longitude=longitude, population=population, department_code="73",
            postcodes=["73000"],
        )  # fmt: skip
    return territory


def _lines(report):
    return {
        structure.name.split(",")[0].split(" (")[0]: structure for structure in report.structures
    }


def test_the_demo_statistics_reproduce_the_bilan(chambery, client):
    assert seed_chambery_bilan() is True
    report = workshop_report(
        territory=chambery, organisations=None, start=dt.date(2016, 1, 1),
        end=dt.date(2019, 12, 31), now=timezone.now(),
    )  # fmt: skip
    structures = _lines(report)

    ble = structures["BLÉ"]
    assert ble.sessions == BILAN["ordi_pratique"]["workshops"] == 140
    assert ble.total.participants == str(BILAN["ordi_pratique"]["participants"]) == "84"

    biollay = structures["Centre social et d'animation du Biollay"]
    assert biollay.sessions == BILAN["web_biollay"]["workshops"] == 384
    kinds = {line.label: line.participants for line in biollay.kinds}
    assert kinds == {
        "Initiation à l'ordinateur": "106",
        "Tablette et smartphone": "77",
        "Atelier thématique": "77",
        "Blog culinaire": "17",
    }

    cognin = structures["Atelier numérique de Cognin"]
    assert cognin.sessions == 87
    assert {line.label: line.people for line in cognin.audiences} == {
        "Parents": "229",
        "Enfants et jeunes": "1162",
        "Professionnels": "74",
    }

    sij = structures["Savoie Information Jeunesse"]
    assert sij.sessions == 140
    assert {line.label: line.people for line in sij.audiences} == {
        "Parents": "20",
        "Élèves": "1472",
        "Jeunes adultes": "278",
        "Professionnels": "80",
    }
    # Made through the actions, after the fact. Ordi'Pratique's 84 participants have a file
    # at BLÉ (the computer is given by name); elsewhere people were counted without one.
    past = Session.objects.filter(territory=chambery, starts_at__year__lte=2019)
    assert not past.filter(recorded_afterwards=False).exists()
    with_file = Enrolment.objects.filter(
        territory=chambery, person__isnull=False, cycle__sessions__in=past
    )
    assert set(with_file.values_list("cycle__organisation__name", flat=True)) == {
        "BLÉ, association de lutte contre l'illettrisme (démo)"
    }
    assert with_file.values("person").distinct().count() == 84
    assert with_file.completed().values("person").distinct().count() == 62
    # Today's cycle: two people referred by the social centre, accepted, hence enrolled.
    referred = Enrolment.objects.filter(territory=chambery, referral_id__isnull=False)
    assert referred.count() == 2
    assert all(e.status == "enrolled" and e.person_id for e in referred)
    # Nothing of it in the years after the programme.
    later = workshop_report(
        territory=chambery, organisations=None, start=dt.date(2020, 1, 1),
        end=timezone.now().date(), now=timezone.now(),
    )  # fmt: skip
    assert later.is_empty
    # Idempotent.
    assert seed_chambery_bilan() is False
    assert past.count() == 751

    # The coordinator's page shows it for the chosen dates.
    coordinator = factories.UserFactory()
    factories.CoordinationFactory(user=coordinator, territory=chambery)
    client.force_login(coordinator)
    page = client.get(
        reverse("workshops:territory_report", args=[chambery.slug]),
        {"periode": "dates", "du": "2016-01-01", "au": "2019-12-31"},
    ).content.decode()
    assert "751</strong> <span>ateliers réalisés" in page
    assert "1472" in page and "Blog culinaire" in page
