"""The rules of events, through the actions: creating ahead or after the fact, changing,
cancelling, recording attendance; each refusal in French, nothing half-written, every
change journaled."""

from __future__ import annotations

import datetime as dt

import pytest

from aiguillage.events.actions import (
    cancel_event,
    create_event,
    record_event_attendance,
    update_event,
)
from aiguillage.events.errors import EventError
from aiguillage.events.models import Event, EventAttendance, EventStatus
from aiguillage.journal.models import JournalEntry
from tests import factories
from tests.events.conftest import local, values

pytestmark = pytest.mark.django_db


def test_an_event_is_created_with_its_partners_and_journaled(
    owner, organisation, partner_organisation, territory
):
    place = factories.PlaceFactory(territory=territory, organisation=partner_organisation)
    event = create_event(
        actor=owner,
        organisation=organisation,
        values=values(
            territory,
            days=12,
            place=place,
            partners=[partner_organisation],
            other_partners="Emmaüs Connect",
            audiences=["parents", "habitants"],
            is_public=True,
        ),
    )
    assert event.territory == territory
    assert event.status == EventStatus.PLANNED
    assert list(event.partners.all()) == [partner_organisation]
    assert event.audiences == ["habitants", "parents"]  # the vocabulary's order
    entry = JournalEntry.objects.get(event="event_created")
    assert entry.object_id == str(event.public_id)
    assert entry.territory_id == territory.pk
    assert entry.data["partners"] == 1


def test_a_past_event_can_be_entered_after_the_fact(owner, organisation, territory):
    event = create_event(
        actor=owner, organisation=organisation, values=values(territory, days=-400)
    )
    assert event.starts_at < local(territory, -399, 0)


def test_the_times_are_the_territory_s_wall_clock(owner, organisation, territory):
    event = create_event(actor=owner, organisation=organisation, values=values(territory, hour=9))
    assert event.starts_at.astimezone(territory.tz).hour == 9
    assert event.local_day() == event.starts_at.astimezone(territory.tz).date()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kind": "banquet"}, "Choisissez le type d'événement."),
        ({"title": "   "}, "Indiquez le titre de l'événement."),
        ({"title": "x" * 201}, "Le titre : 200 caractères au plus."),
        ({"hours": -1}, "L'heure de fin doit être après l'heure de début."),
        ({"days": -5000}, "La date doit être après le 01/01/2015."),
        ({"days": 5000}, "La date doit être avant la fin de l'année"),
        ({"audiences": ["martiens"]}, "Public inconnu."),
        ({"address": "a" * 301}, "L'adresse : 300 caractères au plus."),
        ({"weather": "beau"}, "Champs inconnus : weather"),
    ],
)
def test_bad_values_are_refused_in_french(owner, organisation, territory, changes, message):
    with pytest.raises(EventError, match=message):
        create_event(actor=owner, organisation=organisation, values=values(territory, **changes))
    assert not Event.objects.exists()
    assert not JournalEntry.objects.filter(event="event_created").exists()


def test_naive_or_missing_moments_are_refused(owner, organisation, territory):
    naive = values(territory) | {"starts_at": dt.datetime(2026, 3, 1, 14)}
    with pytest.raises(EventError, match="fuseau du territoire"):
        create_event(actor=owner, organisation=organisation, values=naive)
    with pytest.raises(EventError, match="Indiquez la date et les heures"):
        create_event(
            actor=owner, organisation=organisation, values=values(territory) | {"ends_at": None}
        )


def test_an_event_lasts_at_most_a_week(owner, organisation, territory):
    long = values(territory) | {"ends_at": local(territory, -20, 18)}
    with pytest.raises(EventError, match="au plus une semaine"):
        create_event(actor=owner, organisation=organisation, values=long)


def test_a_place_of_another_territory_is_refused(owner, organisation, territory):
    elsewhere = factories.TerritoryFactory(slug="ailleurs", siren="200000998")
    place = factories.PlaceFactory(territory=elsewhere)
    with pytest.raises(EventError, match="n'est pas un lieu du territoire"):
        create_event(actor=owner, organisation=organisation, values=values(territory, place=place))


def test_a_place_and_an_address_together_are_refused(owner, organisation, territory):
    place = factories.PlaceFactory(territory=territory)
    with pytest.raises(EventError, match="mais pas les deux"):
        create_event(
            actor=owner,
            organisation=organisation,
            values=values(territory, place=place, address="Salle des fêtes"),
        )


def test_partners_must_be_other_structures_of_the_territory(owner, organisation, territory):
    with pytest.raises(EventError, match="sa propre partenaire"):
        create_event(
            actor=owner,
            organisation=organisation,
            values=values(territory, partners=[organisation]),
        )
    far = factories.OrganisationFactory(
        territory=factories.TerritoryFactory(slug="loin", siren="200000997")
    )
    with pytest.raises(EventError, match="du même territoire"):
        create_event(
            actor=owner, organisation=organisation, values=values(territory, partners=[far])
        )


def test_a_structure_without_a_territory_cannot_declare_an_event(db):
    organisation = factories.OrganisationFactory(territory=None)
    user = factories.MembershipFactory(organisation=organisation).user
    territory = factories.TerritoryFactory(slug="pour-l-heure", siren="200000996")
    with pytest.raises(EventError, match="faire partie d'un territoire"):
        create_event(actor=user, organisation=organisation, values=values(territory))


# --- Changing and cancelling ------------------------------------------------------------


def test_an_update_changes_only_what_is_given_and_journals_the_fields(
    owner, coming_event, partner_organisation, outsider, other_organisation
):
    update_event(
        actor=owner,
        event=coming_event,
        values={"title": "Forum 2027", "partners": [partner_organisation, other_organisation]},
    )
    coming_event.refresh_from_db()
    assert coming_event.title == "Forum 2027"
    assert coming_event.kind == "awareness_day"
    assert set(coming_event.partners.all()) == {partner_organisation, other_organisation}
    entry = JournalEntry.objects.get(event="event_updated")
    assert entry.data["fields"] == ["partners", "title"]


def test_an_update_that_changes_nothing_writes_nothing(owner, coming_event):
    update_event(actor=owner, event=coming_event, values={"title": coming_event.title})
    assert not JournalEntry.objects.filter(event="event_updated").exists()


def test_a_cancelled_event_is_final(owner, coming_event):
    cancel_event(actor=owner, event=coming_event, reason="Salle indisponible")
    coming_event.refresh_from_db()
    assert coming_event.status == EventStatus.CANCELLED
    assert coming_event.cancel_reason == "Salle indisponible"
    assert JournalEntry.objects.filter(event="event_cancelled").count() == 1
    with pytest.raises(EventError, match="déjà annulé"):
        cancel_event(actor=owner, event=coming_event)
    with pytest.raises(EventError, match="annulé ne se modifie plus"):
        update_event(actor=owner, event=coming_event, values={"title": "Autre"})
    with pytest.raises(EventError, match="annulé n'a pas de présences"):
        record_event_attendance(actor=owner, event=coming_event, counts={"habitants": 3})


def test_a_held_event_cannot_be_cancelled_nor_moved_to_the_future(owner, past_event, territory):
    record_event_attendance(actor=owner, event=past_event, counts={"habitants": 12})
    with pytest.raises(EventError, match="a eu lieu"):
        cancel_event(actor=owner, event=past_event)
    moved = {"starts_at": local(territory, 5, 14), "ends_at": local(territory, 5, 16)}
    with pytest.raises(EventError, match="ne peut pas passer dans le futur"):
        update_event(actor=owner, event=past_event, values=moved)
    past_event.refresh_from_db()
    assert past_event.starts_at < local(territory, 0, 0)


# --- Attendance -------------------------------------------------------------------------


def test_attendance_is_recorded_per_audience_and_marks_the_event_held(owner, past_event):
    record_event_attendance(
        actor=owner, event=past_event, counts={"habitants": 40, "parents": 0, "agents": 3}
    )
    past_event.refresh_from_db()
    assert past_event.status == EventStatus.HELD
    assert past_event.attendance_recorded_by == owner
    rows = {row.audience: row.count for row in past_event.attendances.all()}
    assert rows == {"habitants": 40, "agents": 3}  # zeros are not kept
    entry = JournalEntry.objects.get(event="event_attendance_recorded")
    assert entry.data["total"] == 43


def test_recording_again_replaces_the_counts(owner, past_event):
    record_event_attendance(actor=owner, event=past_event, counts={"habitants": 40})
    record_event_attendance(actor=owner, event=past_event, counts={"autres": 7})
    assert {r.audience: r.count for r in past_event.attendances.all()} == {"autres": 7}
    last = JournalEntry.objects.filter(event="event_attendance_recorded").order_by("pk").last()
    assert last.data["previous_total"] == 40


def test_attendance_opens_on_the_event_s_day_even_before_it_ends(owner, new_event):
    tonight = new_event(days=0, hour=22, hours=1, title="Soirée jeux vidéo")
    record_event_attendance(actor=owner, event=tonight, counts={"habitants": 5})
    assert tonight.attendances.get().count == 5


def test_a_future_event_cannot_get_attendance_counts(owner, coming_event):
    with pytest.raises(EventError, match="à partir du jour de l'événement"):
        record_event_attendance(actor=owner, event=coming_event, counts={"habitants": 5})
    coming_event.refresh_from_db()
    assert coming_event.status == EventStatus.PLANNED
    assert not EventAttendance.objects.exists()


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({"habitants": -1}, "ne peut pas être négatif"),
        ({"habitants": 100_001}, "Au plus 100 000 personnes par public."),
        ({"habitants": 60_000, "parents": 50_000}, "Au plus 100 000 personnes en tout."),
        ({"habitants": 0}, "au moins une personne"),
        ({}, "au moins une personne"),
        ({"habitants": "douze"}, "nombres entiers"),
        ({"habitants": True}, "nombres entiers"),
        ({"martiens": 3}, "Public inconnu : martiens."),
    ],
)
def test_bad_counts_are_refused_and_keep_the_previous_ones(owner, past_event, counts, message):
    record_event_attendance(actor=owner, event=past_event, counts={"parents": 9})
    with pytest.raises(EventError, match=message):
        record_event_attendance(actor=owner, event=past_event, counts=counts)
    assert {r.audience: r.count for r in past_event.attendances.all()} == {"parents": 9}
