"""The demo's referrals (every status, through the actions, idempotent) and the read-only admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aiguillage.demo.management.commands.seed_demo import Command
from aiguillage.organisations.models import OrganisationKind
from aiguillage.referrals.models import Referral, ReferralStatus
from tests import factories


@pytest.fixture
def demo_structures(territory, organisation, other_organisation):
    social = factories.OrganisationFactory(kind=OrganisationKind.SOCIAL, territory=territory)
    factories.MembershipFactory(
        organisation=social, user__email="travailleur.social@demo.aiguillage.fr"
    )
    factories.MembershipFactory(
        organisation=organisation, user__email="mediateur@demo.aiguillage.fr"
    )
    factories.PlaceFactory(
        territory=territory, organisation=organisation, horaires="Mo-Sa 09:00-18:00"
    )
    factories.PlaceFactory(territory=territory, organisation=other_organisation)
    return social


def test_the_demo_has_referrals_in_every_status_and_runs_twice(demo_structures):
    Command()._seed_referrals()
    statuses = set(Referral.objects.values_list("status", flat=True))
    count = Referral.objects.count()

    Command()._seed_referrals()

    assert statuses == set(ReferralStatus.values)
    assert Referral.objects.count() == count
    redirected = Referral.objects.get(status=ReferralStatus.REDIRECTED)
    assert redirected.next_referrals.count() == 1
    assert all(r.changes.exists() for r in Referral.objects.all())


def test_the_admin_shows_referrals_without_names_and_read_only(client, staff, referral):
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    listing = client.get(reverse("admin:referrals_referral_changelist")).content.decode()
    assert str(referral.public_id) in listing
    assert "Fatima" not in listing
    page = client.get(reverse("admin:referrals_referral_change", args=[referral.pk]))
    assert page.status_code == 200
    assert "Fatima" not in page.content.decode()
    assert client.get(reverse("admin:referrals_referral_add")).status_code == 403
    assert client.get(reverse("admin:referrals_unmetneed_changelist")).status_code == 200


def test_the_demo_has_workshops_enrolments_and_accompaniments_and_runs_twice(demo_structures):
    from aiguillage.activities.models import ActivityRecord
    from aiguillage.workshops.models import Cycle, Enrolment, EnrolmentStatus

    Command()._seed_referrals()
    Command()._seed_workshops()
    Command()._seed_activities()
    counts = (Cycle.objects.count(), Enrolment.objects.count(), ActivityRecord.objects.count())

    Command()._seed_workshops()
    Command()._seed_activities()

    assert counts == (
        Cycle.objects.count(),
        Enrolment.objects.count(),
        ActivityRecord.objects.count(),
    )
    referred = Enrolment.objects.get(referral_id__isnull=False)
    assert referred.status == EnrolmentStatus.ENROLLED
    assert Referral.objects.get(pk=referred.referral_id).status == ReferralStatus.ACCEPTED
    assert Enrolment.objects.filter(person__isnull=True).count() == 1
    assert ActivityRecord.objects.filter(source="typed").count() == 60
