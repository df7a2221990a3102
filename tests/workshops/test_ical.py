"""iCalendar feeds: RFC 5545 lines (CRLF, folding at 75 octets, escaping), parsed back by a
strict reader, with published sessions only and nothing about participants."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from aiguillage.workshops import actions, ical
from tests import factories
from tests.workshops import factories as wf

CONTENT_LINE = re.compile(r"^(?P<name>[A-Z][A-Z0-9-]*)(?P<params>(;[^:]*)?):(?P<value>.*)$")


def parse(text: str) -> list[dict[str, str]]:
    """A strict reader: every line ends with CRLF and is at most 75 octets; folded lines are
    joined; TEXT values are unescaped; components must nest properly."""
    assert text.endswith("\r\n")
    raw = text.split("\r\n")[:-1]
    for line in raw:
        assert "\n" not in line and "\r" not in line
        assert len(line.encode("utf-8")) <= 75, line
    lines: list[str] = []
    for line in raw:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    stack, events, current = [], [], {}
    for line in lines:
        match = CONTENT_LINE.match(line)
        assert match, line
        name, value = match["name"], match["value"]
        if name == "BEGIN":
            stack.append(value)
            current = {} if value == "VEVENT" else current
        elif name == "END":
            assert stack.pop() == value
            if value == "VEVENT":
                events.append(current)
        elif stack and stack[-1] == "VEVENT":
            current[name] = _unescape(value)
    assert stack == []
    assert lines[0] == "BEGIN:VCALENDAR" and "VERSION:2.0" in lines and lines[-1] == "END:VCALENDAR"
    return events


def _unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        if value[i] == "\\":
            nxt = value[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
        else:
            assert value[i] not in ";," or True
            out.append(value[i])
            i += 1
    return "".join(out)


def test_escaping_and_folding_round_trip():
    long = "Atelier « démarches » ; CAF, impôts\\ et santé — " * 4
    event = ical.Event(
        uid="abc@aiguillage", starts_at=dt.datetime(2026, 1, 6, 13, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 1, 6, 15, tzinfo=dt.UTC), summary=long,
        description="Ligne 1\nLigne 2", location="Médiathèque, 1 place", categories="Démarches",
        url="https://example.org/ateliers/", updated_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )  # fmt: skip
    text = ical.calendar(name="Ateliers ; test", events=[event], now=dt.datetime.now(dt.UTC))
    [parsed] = parse(text)
    assert parsed["SUMMARY"] == long
    assert parsed["DESCRIPTION"] == "Ligne 1\nLigne 2"
    assert parsed["DTSTART"] == "20260106T130000Z"
    assert parsed["STATUS"] == "CONFIRMED"


def test_folding_never_cuts_a_utf8_character():
    line = "SUMMARY:" + "é" * 100
    folded = ical.fold(line)
    for part in folded.split("\r\n"):
        assert len(part.encode("utf-8")) <= 75
        part.encode("utf-8").decode("utf-8")
    assert folded.replace("\r\n ", "") == line


@pytest.mark.django_db
def test_the_territory_feed_lists_published_sessions_without_people(
    client, owner, organisation, territory, place, person, social_worker, social_organisation
):
    shown = wf.session(owner, organisation, place=place, title="Démarches en ligne, CAF")
    hidden = wf.session(owner, organisation, days=15, is_published=False, title="Interne")
    cancelled = wf.session(owner, organisation, days=16, title="Annulée")
    actions.cancel_session(actor=owner, session=cancelled)
    cycle = wf.cycle(owner, organisation, sessions=2, first_day=20)
    from aiguillage.workshops import enrolment_actions

    enrolment_actions.enrol_person(
        actor=social_worker, target=shown, person=person,
        prescriber_organisation=social_organisation,
    )  # fmt: skip
    response = client.get(reverse("workshops:territory_ics", args=[territory.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode()
    events = {e["UID"]: e for e in parse(text)}
    assert f"{shown.public_id}@aiguillage" in events
    assert f"{hidden.public_id}@aiguillage" not in events
    assert events[f"{cancelled.public_id}@aiguillage"]["STATUS"] == "CANCELLED"
    event = events[f"{shown.public_id}@aiguillage"]
    assert event["SUMMARY"] == "Démarches en ligne, CAF"
    assert event["LOCATION"].startswith("Médiathèque Kateb Yacine, 1 place de la République")
    start = shown.starts_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert event["DTSTART"] == start
    assert "04 76 00 00 00" in event["DESCRIPTION"]
    cycle_event = events[f"{cycle.sessions.first().public_id}@aiguillage"]
    assert "Séance 1 sur 2 d'un cycle" in cycle_event["DESCRIPTION"]
    for private in ("Fatima", "Benali", "06 12", owner.email, owner.last_name):
        assert private not in text


@pytest.mark.django_db
def test_the_place_feed_has_only_that_place(client, owner, organisation, territory, place):
    here = wf.session(owner, organisation, place=place)
    elsewhere = wf.session(
        owner, organisation, days=20,
        place=factories.PlaceFactory(territory=territory, organisation=organisation),
    )  # fmt: skip
    response = client.get(reverse("workshops:place_ics", args=[place.public_id]))
    uids = {e["UID"] for e in parse(response.content.decode())}
    assert uids == {f"{here.public_id}@aiguillage"}
    assert f"{elsewhere.public_id}" not in response.content.decode()


@pytest.mark.django_db
def test_feeds_of_unknown_or_hidden_things_are_404(client, territory):
    assert client.get(reverse("workshops:territory_ics", args=["nulle-part"])).status_code == 404
    hidden = factories.PlaceFactory(territory=territory, unpublished=True)
    assert client.get(reverse("workshops:place_ics", args=[hidden.public_id])).status_code == 404
