"""Staff support reads referrals in the admin without what professionals wrote about the
person (issue 11): the notes of the status history are declared personal."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aiguillage.people.actions import create_person
from aiguillage.referrals.actions import cancel_referral, send_referral
from aiguillage.referrals.admin import ReferralStatusChangeInline
from aiguillage.referrals.models import ReferralStatusChange
from tests import factories

NOTE = "Sa curatelle demande un rendez-vous avant le 12 : elle a peur de tout perdre."


@pytest.fixture
def superuser(staff):
    staff.is_superuser = True
    staff.save()
    return staff


@pytest.fixture
def cancelled_referral(owner, organisation, other_organisation, outsider):
    person = create_person(
        actor=outsider,
        organisation=other_organisation,
        values={"first_name": "Fatima"},
        purposes=["accompagnement", "orientation"],
        explained_text="x",
    )
    place = factories.PlaceFactory(territory=organisation.territory, organisation=organisation)
    referral = send_referral(
        actor=outsider,
        organisation=other_organisation,
        person=person,
        place=place,
        values={"needs": ["demarche"], "languages": ["fr"]},
    )
    return cancel_referral(
        referral=referral,
        actor=outsider,
        organisation=other_organisation,
        version=referral.version,
        note=NOTE,
    )


def test_the_referral_admin_page_shows_the_history_without_its_notes(
    client, superuser, cancelled_referral
):
    assert cancelled_referral.changes.filter(note=NOTE).exists()
    client.force_login(superuser)

    page = client.get(reverse("admin:referrals_referral_change", args=[cancelled_referral.pk]))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Annulée" in html  # the history is there…
    assert "curatelle" not in html  # …without what was written about the person
    assert "Fatima" not in html


def test_the_history_inline_lists_no_declared_personal_field():
    shown = {*ReferralStatusChangeInline.fields, *ReferralStatusChangeInline.readonly_fields}
    assert not shown & set(ReferralStatusChange.PERSONAL_DATA_FIELDS)
