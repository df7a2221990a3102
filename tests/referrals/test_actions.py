"""Sending and answering through the actions: consent, access, rules, e-mails, anonymisation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from aiguillage.journal.models import JournalEntry
from aiguillage.people.actions import anonymise_person, create_person, withdraw_consent
from aiguillage.people.models import PersonAccess
from aiguillage.people.permissions import can_see_person
from aiguillage.referrals import actions
from aiguillage.referrals.actions import ReferralError
from aiguillage.referrals.models import Referral, ReferralStatus, ReferralStatusChange
from tests import factories

S = ReferralStatus


def _send(social_worker, sender_organisation, person, place, **extra):
    return actions.send_referral(
        actor=social_worker,
        organisation=sender_organisation,
        person=person,
        place=place,
        values=extra.pop("values", {"needs": ["demarche"]}),
        **extra,
    )


def test_sending_records_the_consent_used_and_opens_no_file_to_the_receiver(
    referral, person, owner, outsider, social_worker
):
    assert referral.status == S.SENT
    assert referral.consent is not None and "orientation" in referral.consent.purposes
    # Issue 11: the receiving structure does not get the person's file; it sees, on the
    # referral and while it lasts, what the consent lists.
    assert not PersonAccess.objects.filter(
        person=person, organisation=referral.receiver_organisation
    ).exists()
    assert not can_see_person(owner, person)
    assert not can_see_person(outsider, person)
    assert can_see_person(social_worker, person)
    first = referral.changes.get()
    assert (first.from_status, first.to_status, first.actor) == ("", S.SENT, referral.sent_by)
    assert "referral_sent" in set(JournalEntry.objects.values_list("event", flat=True))


def test_without_the_orientation_consent_nothing_is_sent(
    social_worker, sender_organisation, place, grenoble
):
    only_follow_up = create_person(
        actor=social_worker,
        organisation=sender_organisation,
        values={"first_name": "Jo", "commune": grenoble},
        purposes=["accompagnement"],
        explained_text="x",
    )
    with pytest.raises(ReferralError, match="accord pour l'orientation"):
        _send(social_worker, sender_organisation, only_follow_up, place)
    assert not Referral.objects.exists()
    assert not PersonAccess.objects.filter(organisation=place.organisation).exists()


def test_a_place_without_a_structure_cannot_receive(social_worker, sender_organisation, person):
    lone = factories.PlaceFactory(territory=sender_organisation.territory, organisation=None)
    with pytest.raises(ReferralError, match="aucune structure inscrite"):
        _send(social_worker, sender_organisation, person, lone)


def test_a_need_is_required(social_worker, sender_organisation, person, place):
    with pytest.raises(ReferralError, match="au moins un besoin"):
        _send(social_worker, sender_organisation, person, place, values={"needs": []})


def test_the_receiving_structure_is_told_by_e_mail_with_only_a_first_name(
    owner, colleague_read_only, referral
):
    assert sorted(m.to[0] for m in mail.outbox) == sorted([owner.email, colleague_read_only.email])
    message = mail.outbox[0]
    assert message.subject == "Nouvelle orientation vers Médiathèque Kateb Yacine"
    assert "Fatima" in message.body
    for private in ("Benali", "06 12", "CAF", "arabe"):
        assert private not in message.body
    assert f"/espace/orientations/{referral.public_id}/" in message.body


def test_accepting_needs_an_appointment_or_hours_and_tells_the_sender(
    referral, owner, social_worker, django_capture_on_commit_callbacks
):
    organisation = referral.receiver_organisation
    with pytest.raises(ReferralError, match="Proposez un rendez-vous"):
        actions.accept_referral(
            referral=referral, actor=owner, organisation=organisation, version=0
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        accepted = actions.accept_referral(
            referral=referral,
            actor=owner,
            organisation=organisation,
            version=0,
            come_hours="le mardi de 14 h à 17 h",
            message="Bienvenue",
        )
    assert accepted.status == S.ACCEPTED
    assert accepted.come_hours == "le mardi de 14 h à 17 h"
    assert [m.to for m in mail.outbox] == [[social_worker.email]]
    assert mail.outbox[0].subject == "Orientation vers Médiathèque Kateb Yacine : acceptée"


def test_an_appointment_in_the_past_is_refused(referral, owner):
    with pytest.raises(ReferralError, match="déjà passé"):
        actions.accept_referral(
            referral=referral,
            actor=owner,
            organisation=referral.receiver_organisation,
            version=0,
            appointment_at=timezone.now() - dt.timedelta(days=2),
        )


@pytest.mark.parametrize(
    ("reason", "note", "message"),
    [("inconnu", "", "motif de refus"), ("autre", " ", "Précisez la raison")],
)
def test_declining_needs_a_known_reason_and_a_note_for_other(
    referral, owner, reason, note, message
):
    with pytest.raises(ReferralError, match=message):
        actions.decline_referral(
            referral=referral,
            actor=owner,
            organisation=referral.receiver_organisation,
            version=0,
            reason=reason,
            note=note,
        )


def test_the_outcome_uses_la_coop_s_vocabulary(referral, owner):
    organisation = referral.receiver_organisation
    actions.accept_referral(
        referral=referral, actor=owner, organisation=organisation, version=0, come_hours="mardi"
    )
    actions.record_came(referral=referral, actor=owner, organisation=organisation, version=1)
    with pytest.raises(ReferralError, match="au moins une chose"):
        actions.complete_referral(
            referral=referral, actor=owner, organisation=organisation, version=2, activities=[]
        )
    with pytest.raises(ReferralError, match="dans la liste"):
        actions.complete_referral(
            referral=referral,
            actor=owner,
            organisation=organisation,
            version=2,
            activities=["tricot"],
        )
    done = actions.complete_referral(
        referral=referral,
        actor=owner,
        organisation=organisation,
        version=2,
        activities=["email", "aide_aux_demarches_administratives"],
        autonomy="autonome",
        note="Compte créé",
    )
    assert done.status == S.DONE
    assert done.outcome_activities == ["email", "aide_aux_demarches_administratives"]
    assert done.closed_at is not None


def test_redirecting_creates_a_linked_referral_and_closes_this_one(
    referral, owner, territory, other_organisation
):
    organisation = referral.receiver_organisation
    actions.accept_referral(
        referral=referral, actor=owner, organisation=organisation, version=0, come_hours="mardi"
    )
    actions.record_came(referral=referral, actor=owner, organisation=organisation, version=1)
    elsewhere = factories.PlaceFactory(territory=territory, organisation=other_organisation)

    onward = actions.send_referral(
        actor=owner,
        organisation=organisation,
        person=referral.person,
        place=elsewhere,
        values={"needs": ["equipement"]},
        previous=referral,
        previous_version=2,
    )

    referral.refresh_from_db()
    assert referral.status == S.REDIRECTED
    assert onward.previous == referral
    assert onward.sender_organisation == organisation
    assert onward.receiver_organisation == other_organisation
    assert ReferralStatusChange.objects.filter(referral=referral, to_status=S.REDIRECTED).exists()


def test_only_the_receiver_may_redirect(referral, social_worker, sender_organisation, territory):
    elsewhere = factories.PlaceFactory(
        territory=territory, organisation=factories.OrganisationFactory(territory=territory)
    )
    with pytest.raises(ReferralError, match="a reçu l'orientation"):
        actions.send_referral(
            actor=social_worker,
            organisation=sender_organisation,
            person=referral.person,
            place=elsewhere,
            values={"needs": ["equipement"]},
            previous=referral,
        )
    assert Referral.objects.count() == 1


def test_withdrawing_consent_cancels_open_referrals_and_blanks_their_text(referral, social_worker):
    withdraw_consent(actor=social_worker, person=referral.person)

    referral.refresh_from_db()
    assert referral.status == S.CANCELLED
    assert referral.anonymised_at is not None
    assert referral.person is None
    assert referral.message == ""
    assert referral.needs == ["demarche"]  # statistics survive
    assert all(change.note == "" for change in referral.changes.all())


def test_anonymising_a_person_keeps_closed_referrals_closed(referral, owner, social_worker):
    actions.decline_referral(
        referral=referral,
        actor=owner,
        organisation=referral.receiver_organisation,
        version=0,
        reason="complet",
        note="Revenez en janvier, Fatima",
    )
    anonymise_person(actor=social_worker, person=referral.person, reason="test")
    referral.refresh_from_db()
    assert referral.status == S.DECLINED
    assert referral.decline_note == ""
    assert referral.decline_reason == "complet"


def test_declared_personal_fields_are_all_blanked(referral):
    Referral.objects.filter(pk=referral.pk).update(
        procedure_name="RSA", response_message="x", come_hours="y", outcome_note="z"
    )
    referral.refresh_from_db()
    actions.anonymise_referral(referral, reason="test")
    referral.refresh_from_db()
    for name in Referral.PERSONAL_DATA_FIELDS:
        assert getattr(referral, name) in ("", None), name


def test_an_unmet_need_is_kept_without_the_person(territory, grenoble, sender_organisation):
    need = actions.record_unmet_need(
        territory=territory,
        commune=grenoble,
        organisation=sender_organisation,
        values={"needs": ["equipement"], "languages": ["ti"], "availability": "Su 10:00-12:00"},
    )
    assert need.organisation_kind == "social"
    assert need.had_availability is True
    assert not [f for f in need._meta.get_fields() if f.name in ("person", "message")]


def test_the_migration_removes_the_file_accesses_earlier_referrals_granted(
    person, sender_organisation, organisation
):
    import importlib

    from django.apps import apps

    PersonAccess.objects.create(person=person, organisation=organisation, reason="orientation")
    migration = importlib.import_module(
        "aiguillage.people.migrations.0002_referrals_no_longer_open_files"
    )
    migration.remove_referral_accesses(apps, None)
    assert list(
        PersonAccess.objects.filter(person=person).values_list("organisation", flat=True)
    ) == [sender_organisation.pk]
