"""People: consent before anything, visible only to their organisations, journaled, anonymised."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from aiguillage.journal.models import JournalEntry
from aiguillage.people.actions import (
    PersonError,
    anonymise_person,
    create_person,
    grant_access,
)
from aiguillage.people.anonymisation import register_anonymiser
from aiguillage.people.models import Person
from aiguillage.people.rules import CONSENT_EXPLANATION


@pytest.fixture
def person(owner, organisation):
    return create_person(
        actor=owner,
        organisation=organisation,
        values={"first_name": "Fatima", "last_name": "B.", "birth_year": 1958},
        purposes=["accompagnement", "orientation"],
        explained_text=CONSENT_EXPLANATION,
    )


def _consent_post(**extra):
    return {
        "first_name": "Jo",
        "contact_preference": "professionnel",
        "accord-purposes": ["accompagnement"],
        "accord-explained": "on",
    } | extra


def test_creating_a_person_requires_the_follow_up_consent(owner, organisation):
    with pytest.raises(PersonError, match="accord"):
        create_person(
            actor=owner,
            organisation=organisation,
            values={"first_name": "A"},
            purposes=["evaluation"],
            explained_text="x",
        )
    assert not Person.objects.exists()


def test_create_page_records_person_consent_and_journal(client, owner):
    client.force_login(owner)
    response = client.post(reverse("people:person_create"), _consent_post(birth_year="1970"))
    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("people:person_detail", args=[person.public_id])
    assert person.has_consent
    assert person.consents.get().purposes == ["accompagnement"]
    events = set(JournalEntry.objects.values_list("event", flat=True))
    assert {"person_created", "consent_recorded"} <= events


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"accord-explained": ""}, "Confirmez que vous avez expliqué"),
        ({"accord-purposes": ["evaluation"]}, "Le suivi est nécessaire"),
        ({"first_name": ""}, "Ce champ est obligatoire"),
        ({"birth_year": "1850"}, "Indiquez une année entre"),
        ({"contact_preference": "telephone", "contact_value": ""}, "Indiquez le numéro"),
        ({"contact_preference": "courriel", "contact_value": "pas-une-adresse"}, "pas valide"),
    ],
)
def test_bad_input_redisplays_the_form_in_french_and_stores_nothing(
    client, owner, changes, message
):
    client.force_login(owner)
    response = client.post(reverse("people:person_create"), _consent_post(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Person.objects.exists()


def test_colleague_sees_the_person_and_the_access_is_journaled(client, person, colleague_read_only):
    client.force_login(colleague_read_only)
    response = client.get(reverse("people:person_detail", args=[person.public_id]))
    assert response.status_code == 200
    assert "Fatima" in response.content.decode()
    assert JournalEntry.objects.filter(
        event="person_accessed", object_id=str(person.public_id), actor=colleague_read_only
    ).exists()


@pytest.mark.parametrize("who", ["outsider", "coordinator", "staff"])
@pytest.mark.parametrize("view", ["person_detail", "person_edit"])
def test_others_get_404_on_a_person(client, person, request, who, view):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse(f"people:{view}", args=[person.public_id]))
    assert response.status_code == 404
    assert "Fatima" not in response.content.decode()


@pytest.mark.parametrize("view", ["consent_withdraw", "person_delete"])
def test_outsider_cannot_withdraw_or_delete(client, person, outsider, view):
    client.force_login(outsider)
    assert client.post(reverse(f"people:{view}", args=[person.public_id])).status_code == 404
    person.refresh_from_db()
    assert person.anonymised_at is None


def test_anonymous_is_sent_to_login(client, person):
    response = client.get(reverse("people:person_detail", args=[person.public_id]))
    assert response.status_code == 302


def test_list_shows_only_the_organisations_people(client, person, outsider, owner):
    client.force_login(outsider)
    assert "Fatima" not in client.get(reverse("people:person_list")).content.decode()
    client.force_login(owner)
    assert "Fatima" in client.get(reverse("people:person_list")).content.decode()


def test_granted_access_lets_a_partner_see_the_person(
    client, person, owner, outsider, other_organisation
):
    grant_access(actor=owner, person=person, organisation=other_organisation, reason="orientation")
    client.force_login(outsider)
    assert client.get(reverse("people:person_detail", args=[person.public_id])).status_code == 200


def test_withdrawing_consent_anonymises_everywhere(client, person, owner):
    seen = []
    register_anonymiser(seen.append)
    client.force_login(owner)
    response = client.post(reverse("people:consent_withdraw", args=[person.public_id]))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.anonymised_at is not None
    assert (person.first_name, person.last_name, person.birth_year) == ("Anonyme", "", None)
    assert person.consents.get().withdrawn_at is not None
    assert seen == [person]
    with pytest.raises(PersonError):
        grant_access(
            actor=owner, person=person, organisation=person.created_by_organisation, reason="x"
        )


def test_edit_keeps_the_journal_free_of_personal_data(client, person, owner):
    client.force_login(owner)
    response = client.post(
        reverse("people:person_edit", args=[person.public_id]),
        {"first_name": "Fatou", "contact_preference": "professionnel", "birth_year": "1958"},
    )
    assert response.status_code == 302
    entry = JournalEntry.objects.filter(event="person_updated").get()
    assert entry.data == {"fields": ["first_name", "last_name"]}
    assert "Fatou" not in str(entry.data)


def test_retention_command_anonymises_only_expired_people(person, owner, organisation):
    recent = create_person(
        actor=owner,
        organisation=organisation,
        values={"first_name": "Récent"},
        purposes=["accompagnement"],
        explained_text="x",
    )
    Person.objects.filter(pk=person.pk).update(
        last_activity_at=timezone.now() - dt.timedelta(days=800)
    )
    call_command("anonymise_expired_people")  # dry run changes nothing
    person.refresh_from_db()
    assert person.anonymised_at is None
    call_command("anonymise_expired_people", "--wet-run")
    person.refresh_from_db()
    recent.refresh_from_db()
    assert person.anonymised_at is not None
    assert recent.anonymised_at is None


def test_declared_personal_fields_are_all_blanked(person, owner):
    anonymise_person(actor=owner, person=person, reason="test")
    person.refresh_from_db()
    for name in Person.PERSONAL_DATA_FIELDS:
        assert getattr(person, name) in ("", None, [], "Anonyme"), name


def test_scheduled_commands_exist():
    from django.core.management import get_commands

    from aiguillage.shared_data import REPOSITORY_ROOT

    lines = (REPOSITORY_ROOT / "deploy" / "schedule").read_text().splitlines()
    commands = [line.split("manage.py")[1].split()[0] for line in lines if "manage.py" in line]
    assert commands and all(name in get_commands() for name in commands)


def test_person_str_never_shows_the_name(person):
    assert "Fatima" not in str(person)


def test_listing_and_searching_people_is_journaled_without_the_searched_text(client, person, owner):
    from aiguillage.journal.models import JournalEntry

    client.force_login(owner)
    client.get(reverse("people:person_list"), {"q": "Fati"})
    entry = JournalEntry.objects.get(event="people_listed")
    assert entry.actor == owner
    assert entry.data["people"] == [str(person.public_id)]
    assert entry.data["search"] is True
    assert "Fati" not in str(entry.data)
