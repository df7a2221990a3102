"""The record screen, the list, corrections and deletions, for every persona."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from aiguillage.activities.actions import record_derived_activity
from aiguillage.activities.models import ActivityRecord
from aiguillage.journal.models import JournalEntry
from tests import factories

RECORD = reverse("activities:activity_record")
LIST = reverse("activities:activity_list")


def _post(**changes) -> dict:
    return {
        "kind": "individual",
        "themes": ["smartphone"],
        "duration_minutes": "30",
        "how": "done_with",
        "occurred_on": timezone.localdate().isoformat(),
        "participants": "1",
    } | changes


def test_the_record_screen_offers_the_usual_choices_already_ticked(client, colleague_read_only):
    client.force_login(colleague_read_only)
    page = client.get(RECORD).content.decode()
    assert "Noter un accompagnement" in page
    for checked in ('value="individual"', 'value="30"', 'value="done_with"'):
        tag = next(part for part in page.split("<input") if checked in part)
        assert "checked" in tag
    assert timezone.localdate().isoformat() in page
    # Optional fields are folded away; themes are plain checkboxes.
    assert "<details" in page and "Plus de détails (facultatif)" in page
    assert page.count('type="checkbox" name="themes"') == 19


def test_saving_shows_a_message_and_the_blank_form_for_the_next_person(
    client, colleague_read_only, organisation
):
    client.force_login(colleague_read_only)
    response = client.post(RECORD, _post(themes=["smartphone", "courriel"]), follow=True)
    assert response.redirect_chain == [(RECORD, 302)]
    assert "Enregistré. Noter le suivant" in response.content.decode()
    record = ActivityRecord.objects.get()
    assert (record.organisation, record.recorded_by) == (organisation, colleague_read_only)
    assert record.themes == ["smartphone", "courriel"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"occurred_on": "2099-01-01"}, "La date ne peut pas être dans le futur."),
        ({"themes": []}, "Choisissez au moins un thème."),
        ({"participants": "0"}, "supérieure ou égale à 1"),
        ({"duration_minutes": "7"}, "Sélectionnez un choix valide"),
        ({"participants": "4"}, "concerne une seule personne"),
        ({"status": "heterogene"}, "ne vaut que pour un atelier"),
        (
            {"kind": "collective", "participants": "6", "procedure_domain": "caf"},
            "Démarche en ligne",
        ),
    ],
)
def test_bad_input_redisplays_the_form_in_french_and_stores_nothing(
    client, colleague_read_only, changes, message
):
    client.force_login(colleague_read_only)
    response = client.post(RECORD, _post(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "error-summary" in response.content.decode()
    assert not ActivityRecord.objects.exists()


def test_a_collective_workshop_with_one_status_is_accepted(client, owner):
    client.force_login(owner)
    client.post(RECORD, _post(kind="collective", participants="9", status="retraite"))
    assert ActivityRecord.objects.get().status == "retraite"


def test_from_a_person_file_the_person_and_commune_are_prefilled(
    client, colleague_read_only, person, grenoble
):
    client.force_login(colleague_read_only)
    url = f"{RECORD}?personne={person.public_id}"
    page = client.get(url).content.decode()
    assert "Fatima" in page
    assert f'value="{grenoble.pk}" selected' in page
    # The age bracket stays unknown.
    tag = next(
        part
        for part in page.split("<input")
        if 'value="nonRenseigne" name' in part
        or ('name="age_bracket"' in part and 'value="nonRenseigne"' in part)
    )
    assert "checked" in tag
    client.post(url, _post(commune=str(grenoble.pk)))
    record = ActivityRecord.objects.get()
    assert record.person == person
    assert JournalEntry.objects.filter(
        event="person_accessed", object_id=str(person.public_id)
    ).exists()


def test_a_person_the_structure_does_not_follow_gives_404(client, outsider, person):
    client.force_login(outsider)
    assert client.get(f"{RECORD}?personne={person.public_id}").status_code == 404
    assert client.post(f"{RECORD}?personne={person.public_id}", _post()).status_code == 404
    assert client.get(f"{RECORD}?personne=pas-un-identifiant").status_code == 404
    assert client.get(f"{RECORD}?personne={uuid.uuid4()}").status_code == 404
    assert not ActivityRecord.objects.exists()


def test_a_person_followed_by_another_of_my_structures_gives_404_here(
    client, owner, person, other_organisation
):
    """The record belongs to the current structure, which must follow the person itself."""
    factories.MembershipFactory(user=owner, organisation=other_organisation)
    client.force_login(owner)
    session = client.session
    membership = owner.memberships.get(organisation=other_organisation)
    session["current_membership_id"] = membership.pk
    session.save()
    assert client.get(f"{RECORD}?personne={person.public_id}").status_code == 404


@pytest.mark.parametrize("url", [RECORD, LIST, reverse("activities:activity_import")])
def test_anonymous_visitors_are_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("who", ["coordinator", "staff"])
@pytest.mark.parametrize("url", [RECORD, LIST])
def test_accounts_without_a_structure_cannot_record(client, request, who, url):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url).status_code == 403


def test_the_list_shows_only_the_current_structures_records(
    client, note, outsider, other_organisation, owner
):
    note(themes=["courriel"])
    note(actor=outsider, within=other_organisation, themes=["budget"])
    client.force_login(owner)
    items = client.get(LIST).content.decode().split('class="activity-item"')[1:]
    assert len(items) == 1
    assert "Courriels" in items[0]


def test_the_list_filters_by_period_theme_and_kind(client, note, owner, today):
    note(themes=["courriel"], occurred_on=today - dt.timedelta(days=40))
    note(themes=["budget"])
    note(themes=["budget"], kind="collective", participants=4)
    client.force_login(owner)

    def shown(**query):
        page = client.get(LIST, query).content.decode()
        return page.count('class="activity-item"')

    assert shown() == 3
    assert shown(theme="budget") == 2
    assert shown(theme="budget", type="collective") == 1
    assert shown(du=(today - dt.timedelta(days=7)).isoformat()) == 2
    assert shown(au=(today - dt.timedelta(days=7)).isoformat()) == 1


def test_the_list_query_count_is_frozen(client, note, owner, place, django_assert_num_queries):
    for index in range(12):
        note(place=place, duration_minutes=15 + index)
    client.force_login(owner)
    client.get(LIST)  # the session and the second factor settle
    # session, user, OTP device, memberships, coordination, demo banner, count, page.
    with django_assert_num_queries(8):
        response = client.get(LIST)
    assert response.content.decode().count('class="activity-item"') == 12


def _edit_and_delete(client, record) -> tuple[int, int]:
    edit = client.get(reverse("activities:activity_edit", args=[record.public_id]))
    delete = client.get(reverse("activities:activity_delete", args=[record.public_id]))
    return edit.status_code, delete.status_code


def test_the_recorder_and_a_manager_may_correct_a_record_a_plain_colleague_not(
    client, note, owner, colleague_read_only
):
    by_colleague = note(actor=colleague_read_only)
    by_manager = note(actor=owner)
    client.force_login(colleague_read_only)
    assert _edit_and_delete(client, by_colleague) == (200, 200)
    assert _edit_and_delete(client, by_manager) == (403, 403)
    client.force_login(owner)
    assert _edit_and_delete(client, by_colleague) == (200, 200)


@pytest.mark.parametrize("who", ["outsider", "coordinator", "far_coordinator", "staff"])
def test_others_get_404_on_a_record(client, note, request, who):
    record = note()
    client.force_login(request.getfixturevalue(who))
    assert _edit_and_delete(client, record) == (404, 404)
    url = reverse("activities:activity_delete", args=[record.public_id])
    assert client.post(url).status_code == 404
    assert ActivityRecord.objects.filter(pk=record.pk).exists()


def test_after_seven_days_a_record_is_frozen_even_for_a_manager(client, note, owner):
    record = note()
    eight_days_ago = timezone.now() - dt.timedelta(days=8)
    ActivityRecord.objects.filter(pk=record.pk).update(created_at=eight_days_ago)
    client.force_login(owner)
    assert _edit_and_delete(client, record) == (403, 403)
    assert "Corriger" not in client.get(LIST).content.decode()


def test_derived_records_cannot_be_corrected_here(client, owner, organisation, today):
    record = record_derived_activity(
        source="referral",
        source_ref="r-1",
        organisation=organisation,
        occurred_on=today,
        kind="individual",
        themes=["autre"],
    )
    client.force_login(owner)
    assert _edit_and_delete(client, record) == (403, 403)


def test_correcting_and_deleting_through_the_pages(client, note, colleague_read_only):
    record = note(actor=colleague_read_only)
    client.force_login(colleague_read_only)
    edit = reverse("activities:activity_edit", args=[record.public_id])
    response = client.post(edit, _post(duration_minutes="90", themes=["internet"]))
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.duration_minutes, record.themes) == (90, ["internet"])
    response = client.post(reverse("activities:activity_delete", args=[record.public_id]))
    assert response.status_code == 302
    assert not ActivityRecord.objects.exists()
    events = set(JournalEntry.objects.values_list("event", flat=True))
    assert {"activity_updated", "activity_deleted"} <= events
