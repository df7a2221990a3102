"""The coordinators' anonymous flows: per month, between kinds, rates, delay, unmet needs."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from aiguillage.journal.models import JournalEntry
from aiguillage.referrals import actions
from aiguillage.referrals.models import Referral


@pytest.fixture
def many(social_worker, sender_organisation, person, place, owner, territory, grenoble):
    """Seven referrals this month: five answered after six hours, three people came."""
    made = []
    for index in range(7):
        referral = actions.send_referral(
            actor=social_worker,
            organisation=sender_organisation,
            person=person,
            place=place,
            values={"needs": ["demarche"]},
        )
        if index < 5:
            referral = actions.accept_referral(
                referral=referral,
                actor=owner,
                organisation=place.organisation,
                version=0,
                come_hours="mardi",
            )
            # Answered six hours after it was sent (moved forward: the month stays the same).
            answered = referral.created_at + dt.timedelta(hours=6)
            Referral.objects.filter(pk=referral.pk).update(answered_at=answered)
        if index < 3:
            actions.record_came(
                referral=referral, actor=owner, organisation=place.organisation, version=1
            )
        made.append(referral)
    for _ in range(2):
        actions.record_unmet_need(
            territory=territory,
            commune=grenoble,
            organisation=sender_organisation,
            values={"needs": ["equipement"]},
        )
    return made


def _rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_the_page_masks_small_counts_and_the_rates_they_would_reveal(
    client, coordinator, many, territory
):
    client.force_login(coordinator)
    page = client.get(reverse("referrals:referral_stats", args=[territory.slug])).content.decode()
    month = timezone.localdate().strftime("%Y-%m")
    assert f'<th scope="row">{month}</th><td>7</td><td>5</td><td>0</td><td>&lt; 5</td>' in page
    assert "<td>71 %</td><td>—</td><td>0,2 jour</td>" in page
    assert "<td>Action sociale</td><td>Médiation numérique</td><td>7</td>" in page
    assert "<td>S&#x27;équiper en matériel</td><td>&lt; 5</td>" in page


def test_the_csv_export_says_the_same_and_is_journaled(client, coordinator, many, territory):
    client.force_login(coordinator)
    response = client.get(reverse("referrals:referral_stats_csv", args=[territory.slug]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = _rows(response)
    assert rows[0] == ["tableau", "mois ou origine", "destination", "indicateur", "valeur"]
    values = {(r[0], r[1], r[3]): r[4] for r in rows[1:]}
    assert values[("par mois", "Total", "envoyées")] == "7"
    assert values[("par mois", "Total", "personnes venues")] == "< 5"
    assert values[("par mois", "Total", "taux d'acceptation")] == "71 %"
    assert values[("flux", "Action sociale", "orientations")] == "7"
    assert values[("besoins sans lieu par commune", "Grenoble", "recherches")] == "< 5"
    assert JournalEntry.objects.filter(event="referral_stats_exported").count() == 1


def test_statistics_survive_anonymisation(client, coordinator, many, territory):
    for referral in many:
        actions.anonymise_referral(referral, reason="test")
    client.force_login(coordinator)
    rows = _rows(client.get(reverse("referrals:referral_stats_csv", args=[territory.slug])))
    values = {(r[0], r[1], r[3]): r[4] for r in rows[1:]}
    assert values[("par mois", "Total", "envoyées")] == "7"
