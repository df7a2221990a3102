"""Receiving and following: inbox with counts, the referral page, answers, the loop closed."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from aiguillage.referrals import actions, rules
from aiguillage.referrals.models import Referral, ReferralStatus

S = ReferralStatus


def _page(response) -> str:
    return html.unescape(response.content.decode())


def _url(name, referral):
    return reverse(f"referrals:{name}", args=[referral.public_id])


def test_the_inbox_counts_new_in_progress_and_closed(client, owner, referral, social_worker):
    client.force_login(owner)
    page = _page(client.get(reverse("referrals:referral_list")))
    assert "Reçues (1 nouvelle)" in " ".join(re.sub(r"<[^>]+>", "", page).split())
    # Received: the first name only (what the consent lists).
    assert "Fatima → Médiathèque Kateb Yacine" in page
    assert "Envoyée" in page

    actions.accept_referral(
        referral=referral, actor=owner, organisation=referral.receiver_organisation,
        version=0, come_hours="mardi après-midi",
    )  # fmt: skip
    in_progress = _page(client.get(reverse("referrals:referral_list"), {"statut": "en-cours"}))
    assert "Fatima →" in in_progress
    new = _page(client.get(reverse("referrals:referral_list"), {"statut": "nouvelles"}))
    assert "Fatima →" not in new
    assert "Aucune orientation reçue dans cette catégorie." in new


def test_the_sender_sees_each_change_in_its_own_list(client, social_worker, owner, referral):
    actions.decline_referral(
        referral=referral, actor=owner, organisation=referral.receiver_organisation,
        version=0, reason="complet", note="Revenez en janvier",
    )  # fmt: skip
    client.force_login(social_worker)
    sent = _page(client.get(reverse("referrals:referral_list"), {"vue": "envoyees"}))
    assert "Refusée" in sent
    assert "à Médiathèque du centre" in sent
    detail = _page(client.get(_url("referral_detail", referral)))
    assert "Refusée : nous sommes complets" in detail
    assert "Revenez en janvier" in detail


def test_the_inbox_costs_a_fixed_number_of_queries(
    client, owner, referral, social_worker, sender_organisation, person, place,
    django_assert_num_queries,
):  # fmt: skip
    for _ in range(3):
        actions.send_referral(
            actor=social_worker, organisation=sender_organisation, person=person, place=place,
            values={"needs": ["apprendre"]},
        )  # fmt: skip
    client.force_login(owner)
    client.get(reverse("referrals:referral_list"))  # warm the session
    # session, user, second-factor device, memberships, coordination, demo banner, counts,
    # page count, page, the people the structure follows, the journal entry.
    with django_assert_num_queries(11):
        response = client.get(reverse("referrals:referral_list"))
    assert response.content.decode().count('class="result"') == 4


def test_the_receiver_sees_the_person_consent_need_and_message(client, owner, referral):
    client.force_login(owner)
    page = _page(client.get(_url("referral_detail", referral)))
    # What the consent lists, no more (issue 11): first name, commune, need, message.
    assert "Fatima" in page
    assert "Benali" not in page
    assert "06 12 34 56 78" not in page
    assert "<dt>Langues</dt><dd>français, arabe</dd>" in page  # by name, not by code
    assert "Pour l'orientation : donné le" in page
    assert "recueilli par Samia Haddad (CCAS de test)" in page
    assert "Faire une démarche en ligne" in page
    assert "Le mardi : 14 h – 18 h" in page
    assert "Elle doit refaire sa déclaration CAF" in page
    assert "Accepter l'orientation" in page
    assert "Annuler l'orientation" not in page


@pytest.mark.parametrize("ending", ["decline", "cancel", "expire"])
def test_the_receiver_no_longer_sees_the_person_once_the_referral_ends(
    client, owner, social_worker, referral, ending
):
    if ending == "decline":
        actions.decline_referral(
            referral=referral,
            actor=owner,
            organisation=referral.receiver_organisation,
            version=0,
            reason=next(code for code in rules.DECLINE_REASONS if code != "autre"),
        )
    elif ending == "cancel":
        actions.cancel_referral(
            referral=referral,
            actor=social_worker,
            organisation=referral.sender_organisation,
            version=0,
        )
    else:
        Referral.objects.filter(pk=referral.pk).update(status=S.EXPIRED)
    client.force_login(owner)
    page = _page(client.get(_url("referral_detail", referral)))
    assert "Fatima" not in page
    assert "Elle doit refaire sa déclaration CAF" not in page
    assert "Les informations sur la personne ne sont plus visibles." in page
    # Nor the file itself, nor a way to redirect the person.
    person_url = reverse("people:person_detail", args=[referral.person.public_id])
    assert client.get(person_url).status_code == 404
    need_url = reverse("referrals:referral_need", args=[referral.person.public_id])
    assert client.get(need_url).status_code == 404


def test_the_sender_still_sees_the_whole_file(client, social_worker, referral):
    client.force_login(social_worker)
    page = _page(client.get(_url("referral_detail", referral)))
    assert "Fatima Benali" in page and "06 12 34 56 78" in page


def test_accepting_with_an_appointment_then_the_outcome(client, owner, referral, social_worker):
    client.force_login(owner)
    day = timezone.localdate() + dt.timedelta(days=2)
    response = client.post(
        _url("referral_accept", referral),
        {"accept-version": 0, "accept-mode": "rdv", "accept-appointment_date": day.isoformat(),
         "accept-appointment_time": "14:30", "accept-message": "À bientôt"},
    )  # fmt: skip
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == S.ACCEPTED
    assert timezone.localtime(referral.appointment_at).strftime("%H:%M") == "14:30"

    client.post(_url("referral_came", referral), {"came-version": 1, "came-note": ""})
    client.post(
        _url("referral_done", referral),
        {"done-version": 2, "done-activities": ["email", "sante"], "done-autonomy": "autonome"},
    )
    referral.refresh_from_db()
    assert referral.status == S.DONE

    client.force_login(social_worker)
    page = _page(client.get(_url("referral_detail", referral)))
    assert "Ce qui a été fait" in page
    assert "E-mail" in page and "Santé" in page
    assert "Rendez-vous le" in page and "14 h 30" in page


def test_a_bad_answer_is_redisplayed_in_french_with_a_400(client, owner, referral):
    client.force_login(owner)
    response = client.post(
        _url("referral_accept", referral), {"accept-version": 0, "accept-mode": "rdv"}
    )
    assert response.status_code == 400
    page = _page(response)
    assert "Indiquez la date du rendez-vous." in page
    decline = client.post(
        _url("referral_decline", referral), {"decline-version": 0, "decline-reason": "autre"}
    )
    assert "Précisez la raison du refus." in _page(decline)
    referral.refresh_from_db()
    assert referral.status == S.SENT


def test_a_stale_page_gets_a_conflict_message_not_a_lost_update(client, owner, referral):
    client.force_login(owner)
    client.post(
        _url("referral_accept", referral),
        {"accept-version": 0, "accept-mode": "horaires", "accept-come_hours": "mardi 14 h"},
    )
    stale = client.post(
        _url("referral_decline", referral),
        {"decline-version": 0, "decline-reason": "complet"},
        follow=True,
    )
    assert "Quelqu'un a modifié cette orientation" in _page(stale)
    referral.refresh_from_db()
    assert referral.status == S.ACCEPTED


def test_a_forbidden_transition_through_the_pages_is_refused(client, owner, referral):
    client.force_login(owner)
    response = client.post(_url("referral_came", referral), {"came-version": 0})
    assert response.status_code == 400
    assert "ne peut pas devenir « personne venue »" in _page(response)


def test_the_sender_cancels(client, social_worker, referral):
    client.force_login(social_worker)
    page = _page(client.get(_url("referral_detail", referral)))
    assert "Annuler l'orientation" in page and "Accepter l'orientation" not in page
    client.post(_url("referral_cancel", referral), {"cancel-version": 0, "cancel-note": "Trouvé"})
    referral.refresh_from_db()
    assert referral.status == S.CANCELLED


def test_redirecting_starts_a_linked_referral(
    client, owner, referral, territory, other_organisation
):
    from tests import factories

    organisation = referral.receiver_organisation
    actions.accept_referral(
        referral=referral, actor=owner, organisation=organisation, version=0, come_hours="mardi"
    )
    actions.record_came(referral=referral, actor=owner, organisation=organisation, version=1)
    elsewhere = factories.PlaceFactory(territory=territory, organisation=other_organisation)
    client.force_login(owner)

    start = client.get(_url("referral_redirect", referral))
    need_url = reverse("referrals:referral_need", args=[referral.person.public_id])
    assert start["Location"] == f"{need_url}?depuis={referral.public_id}"
    client.post(need_url, {"needs": ["equipement"], "depuis": referral.public_id})
    confirm = reverse(
        "referrals:referral_confirm", args=[referral.person.public_id, elsewhere.public_id]
    )
    client.post(confirm, {"message": "Pour un ordinateur"})

    referral.refresh_from_db()
    assert referral.status == S.REDIRECTED
    onward = referral.next_referrals.get()
    assert onward.receiver_organisation == other_organisation
    assert elsewhere.nom in _page(client.get(_url("referral_detail", referral)))


def test_the_sheet_and_the_sms_for_the_person(client, social_worker, owner, referral):
    actions.accept_referral(
        referral=referral, actor=owner, organisation=referral.receiver_organisation, version=0,
        come_hours="le mardi de 14 h à 17 h, sans rendez-vous",
    )  # fmt: skip
    client.force_login(social_worker)
    sheet = _page(client.get(_url("referral_print", referral)))
    assert "Pour Fatima" in sheet
    assert "Venez le mardi de 14 h à 17 h, sans rendez-vous" in sheet
    assert "04 76 00 00 00" in sheet
    assert "une pièce d'identité" in sheet.lower()
    assert "de la part de <strong>CCAS de test</strong>" in sheet
    assert "Benali" not in sheet
    detail = _page(client.get(_url("referral_detail", referral)))
    # One SMS in GSM 7-bit: the first name and what to bring made room for the hours.
    assert (
        "Bonjour. Aide numérique : Médiathèque Kateb Yacine, 1 place de la République, "
        "Grenoble. Venez le mardi de 14 h à 17 h, sans rendez-vous. Tél. 04 76 00 00 00"
    ) in detail
    assert 'Texte pour un SMS <span class="hint">(1 SMS, 156 caractères)</span>' in detail
    assert 'href="sms:06 12 34 56 78?body=' in detail


def test_after_the_appointment_the_sender_is_asked_to_resend_the_sms(
    client, social_worker, owner, referral
):
    client.force_login(social_worker)
    before = _page(client.get(_url("referral_detail", referral)))
    assert "Renvoyer le SMS à jour" not in before
    assert "RDV " not in before
    # Tuesday 9 December 2036, 14:30 in Paris (past appointments are refused).
    appointment = dt.datetime(2036, 12, 9, 13, 30, tzinfo=dt.UTC)
    actions.accept_referral(
        referral=referral, actor=owner, organisation=referral.receiver_organisation, version=0,
        appointment_at=appointment,
    )  # fmt: skip
    after = _page(client.get(_url("referral_detail", referral)))
    resend = after[after.index('id="pour-la-personne"') :]
    assert resend.startswith('id="pour-la-personne">Renvoyer le SMS à jour</h2>')
    assert ">Renvoyer le SMS à jour</a>" in resend  # the sms: link
    assert "RDV mar. 9/12 à 14 h 30." in resend[: resend.index("</textarea>")]
    # The place that answered does not send it.
    client.force_login(owner)
    assert "Renvoyer le SMS à jour" not in _page(client.get(_url("referral_detail", referral)))


@pytest.mark.parametrize("url_name", ["referral_list", "referral_start"])
def test_without_a_structure_the_pages_are_refused(client, coordinator, url_name):
    client.force_login(coordinator)
    assert client.get(reverse(f"referrals:{url_name}")).status_code == 403


def test_before_any_answer_the_sheet_gives_the_first_common_moment(client, social_worker, referral):
    from aiguillage.referrals.models import Referral

    first = timezone.now().replace(microsecond=0) + dt.timedelta(days=2)
    Referral.objects.filter(pk=referral.pk).update(first_slot_at=first)
    client.force_login(social_worker)
    sheet = _page(client.get(_url("referral_print", referral)))
    assert "Ouvert quand vous êtes disponible, par exemple le " in sheet
