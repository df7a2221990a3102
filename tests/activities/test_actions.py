"""Recording, deriving, correcting and deleting accompaniments through the actions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from aiguillage.activities import rules
from aiguillage.activities.actions import (
    ActivityError,
    delete_activity,
    record_activity,
    record_derived_activity,
    update_activity,
    withdraw_derived_activity,
)
from aiguillage.activities.models import ActivityRecord
from aiguillage.journal.models import JournalEntry
from aiguillage.people.actions import anonymise_person
from tests import factories


def test_a_typed_accompaniment_is_stored_with_defaults_and_journaled(note, owner, organisation):
    record = note(themes=["demarcheEnLigne", "smartphone"], procedure_domain="caf")
    assert record.kind == "individual"
    assert record.how == "done_with"
    assert record.duration_minutes == 30
    assert record.participants == 1
    assert record.age_bracket == record.status == "nonRenseigne"
    # Themes in the national order, and their bit mask agrees.
    assert record.themes == ["smartphone", "demarcheEnLigne"]
    assert (
        record.themes_mask == rules.THEME_BITS["smartphone"] | rules.THEME_BITS["demarcheEnLigne"]
    )
    entry = JournalEntry.objects.get(event="activity_recorded")
    assert entry.actor == owner
    assert entry.object_id == str(record.public_id)
    assert entry.data["organisation"] == organisation.pk


def test_a_person_noted_from_their_file_is_linked_and_their_retention_restarts(note, person):
    before = person.last_activity_at
    record = note(person=person)
    person.refresh_from_db()
    assert record.person == person
    assert person.last_activity_at > before
    # The journal keeps codes and counts, never the person.
    assert str(person.public_id) not in str(
        JournalEntry.objects.get(event="activity_recorded").data
    )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"occurred_on": dt.date.today() + dt.timedelta(days=2)}, "dans le futur"),
        ({"occurred_on": dt.date(1999, 12, 31)}, "après le 01/01/2000"),
        ({"themes": []}, "au moins un thème"),
        ({"themes": ["cuisine"]}, "Thème inconnu"),
        ({"participants": 0}, "au moins une personne"),
        ({"kind": "collective", "participants": 1001}, "Au plus 1000 personnes"),
        ({"duration_minutes": 0}, "entre 1 et 600 minutes"),
        ({"duration_minutes": 601}, "entre 1 et 600 minutes"),
        ({"participants": 3}, "concerne une seule personne"),
        ({"status": "heterogene"}, "ne vaut que pour un atelier"),
        ({"procedure_domain": "caf"}, "qu'avec le thème « Démarche en ligne »"),
        ({"how": "done_by_magic"}, "fait pour, avec ou par"),
        ({"age_bracket": "de99a120ans"}, "Tranche d'âge inconnue"),
    ],
)
def test_bad_values_are_refused_in_french_and_nothing_is_stored(note, values, message):
    with pytest.raises(ActivityError, match=message):
        note(**values)
    assert not ActivityRecord.objects.exists()
    assert not JournalEntry.objects.filter(event="activity_recorded").exists()


def test_a_collective_workshop_may_have_one_status_for_everyone(note):
    record = note(kind="collective", participants=8, status="retraite")
    assert (record.participants, record.status) == (8, "retraite")
    assert note(kind="collective", participants=6, status="heterogene").status == "heterogene"


def test_links_must_belong_to_the_structure_and_its_territory(note, territory, other_organisation):
    other_place = factories.PlaceFactory(territory=territory, organisation=other_organisation)
    with pytest.raises(ActivityError, match="pas un lieu de votre structure"):
        note(place=other_place)
    far = factories.CommuneFactory(insee_code="73065", name="Chambéry", department_code="73")
    with pytest.raises(ActivityError, match="pas une commune du territoire"):
        note(commune=far)


def test_a_person_of_another_structure_is_refused(note, person, outsider, other_organisation):
    with pytest.raises(ActivityError, match="n'est pas suivie par votre structure"):
        note(actor=outsider, within=other_organisation, person=person)


def test_the_database_itself_refuses_rows_that_break_the_invariants(organisation, today):
    base = {"organisation": organisation, "occurred_on": today, "themes": ["autre"]}
    broken = [
        {"participants": 0},
        {"kind": "individual", "participants": 2},
        {"duration_minutes": 0},
        {"duration_minutes": 700},
        {"kind": "quick", "status": "heterogene"},
        {"themes": []},
        {"source": "referral", "source_ref": ""},
        {"source": "typed", "source_ref": "x"},
    ]
    for values in broken:
        with pytest.raises(IntegrityError), transaction.atomic():
            ActivityRecord.objects.create(**(base | values))


def test_a_derived_record_is_counted_once_however_often_its_source_says_so(organisation, today):
    def derive():
        return record_derived_activity(
            source="referral",
            source_ref="2c1b0c9e-referral",
            organisation=organisation,
            occurred_on=today,
            kind="individual",
            themes=["demarcheEnLigne"],
            procedure_domain="impots",
            how="done_for",
        )

    first, second = derive(), derive()
    assert first.pk == second.pk
    assert ActivityRecord.objects.count() == 1
    assert JournalEntry.objects.filter(event="activity_derived").count() == 1
    assert (first.source, first.recorded_by, first.procedure_domain) == ("referral", None, "impots")
    # The same reference from another source is another accompaniment.
    record_derived_activity(
        source="attendance",
        source_ref="2c1b0c9e-referral",
        organisation=organisation,
        occurred_on=today,
        kind="collective",
        themes=["smartphone"],
        participants=9,
    )
    assert ActivityRecord.objects.count() == 2


def test_a_derived_record_needs_a_known_source_and_a_reference(organisation, today):
    common = {"organisation": organisation, "occurred_on": today, "kind": "individual"}
    with pytest.raises(ActivityError, match="Origine dérivée inconnue"):
        record_derived_activity(source="typed", source_ref="x", themes=["autre"], **common)
    with pytest.raises(ActivityError, match="référence d'origine"):
        record_derived_activity(source="referral", source_ref="", themes=["autre"], **common)
    with pytest.raises(ActivityError, match="au moins un thème"):
        record_derived_activity(source="referral", source_ref="r1", themes=[], **common)


def test_a_corrected_source_withdraws_its_record(organisation, owner, today):
    record_derived_activity(
        source="attendance",
        source_ref="session-12",
        organisation=organisation,
        occurred_on=today,
        kind="collective",
        themes=["smartphone"],
        participants=7,
    )
    assert withdraw_derived_activity(actor=owner, source="attendance", source_ref="session-12")
    assert not ActivityRecord.objects.exists()
    assert JournalEntry.objects.filter(event="activity_withdrawn").exists()
    assert not withdraw_derived_activity(actor=owner, source="attendance", source_ref="session-12")


def test_a_correction_journals_the_names_of_the_fields_changed(note, owner):
    record = note()
    update_activity(
        actor=owner, record=record, values={"duration_minutes": 45, "themes": ["courriel"]}
    )
    record.refresh_from_db()
    assert (record.duration_minutes, record.themes) == (45, ["courriel"])
    assert record.themes_mask == rules.THEME_BITS["courriel"]
    entry = JournalEntry.objects.get(event="activity_updated")
    assert entry.data == {"fields": ["duration_minutes", "themes"]}
    # Nothing changed: nothing journaled.
    update_activity(actor=owner, record=record, values={"duration_minutes": 45})
    assert JournalEntry.objects.filter(event="activity_updated").count() == 1


def test_a_correction_is_checked_like_a_new_record(note, owner):
    record = note()
    with pytest.raises(ActivityError, match="concerne une seule personne"):
        update_activity(actor=owner, record=record, values={"participants": 4})


def test_derived_records_are_changed_at_their_source_only(organisation, owner, today):
    record = record_derived_activity(
        source="referral",
        source_ref="r-9",
        organisation=organisation,
        occurred_on=today,
        kind="individual",
        themes=["autre"],
    )
    with pytest.raises(ActivityError, match="à sa source"):
        update_activity(actor=owner, record=record, values={"duration_minutes": 15})
    with pytest.raises(ActivityError, match="à sa source"):
        delete_activity(actor=owner, record=record)


def test_deleting_journals_what_was_counted(note, owner):
    record = note(kind="collective", participants=5)
    delete_activity(actor=owner, record=record)
    assert not ActivityRecord.objects.exists()
    entry = JournalEntry.objects.get(event="activity_deleted")
    assert entry.data["participants"] == 5


def test_an_anonymised_person_is_unlinked_and_still_counted(note, person, owner):
    record = note(person=person)
    anonymise_person(actor=owner, person=person, reason="test")
    record.refresh_from_db()
    assert record.person is None
    assert ActivityRecord.objects.count() == 1
    with pytest.raises(ActivityError, match="anonymisée"):
        record_activity(
            actor=owner,
            organisation=record.organisation,
            values={"occurred_on": record.occurred_on, "themes": ["autre"], "person": person},
        )
