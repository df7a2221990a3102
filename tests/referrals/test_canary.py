"""A canary person (issue 11): unusual first name, last name, phone and remark, walked
through the whole referral loop by the real pages; none of it may reach a log line, an
e-mail subject, the open-data export or a statistics file."""

from __future__ import annotations

import logging

import pytest
from django.core import mail
from django.urls import reverse

from aiguillage.people.actions import create_person
from aiguillage.people.rules import CONSENT_EXPLANATION
from aiguillage.referrals import actions

CANARY = {
    "first_name": "Zéphyrinecanari",
    "last_name": "Oiseaulyrecanari",
    "contact_preference": "telephone",
    "contact_value": "07 99 88 77 66",
    "notes": "suivi-canari-7731",
    "birth_year": 1931,
}
TRACES = ("Zéphyrinecanari", "Oiseaulyrecanari", "07 99 88 77 66", "suivi-canari-7731")


def _clean(text: str, where: str) -> None:
    for trace in TRACES:
        assert trace not in text, f"« {trace} » found in {where}"


@pytest.fixture
def canary(social_worker, sender_organisation, grenoble):
    return create_person(
        actor=social_worker,
        organisation=sender_organisation,
        values={**CANARY, "commune": grenoble, "languages": ["fr"]},
        purposes=["accompagnement", "orientation", "evaluation"],
        explained_text=CONSENT_EXPLANATION,
    )


def test_the_canary_leaves_no_trace_in_logs_subjects_exports_or_statistics(
    client,
    caplog,
    mailoutbox,  # the locmem backend, reset for this test
    canary,
    social_worker,
    sender_organisation,
    owner,
    coordinator,
    place,
    territory,
    django_capture_on_commit_callbacks,
):
    caplog.set_level(logging.DEBUG)
    # The sender opens the file, lists people, searches them, then refers the person.
    client.force_login(social_worker)
    client.get(reverse("people:person_detail", args=[canary.public_id]))
    client.get(reverse("people:person_list"), {"q": "Zéphyrine"})
    with django_capture_on_commit_callbacks(execute=True):
        referral = actions.send_referral(
            actor=social_worker,
            organisation=sender_organisation,
            person=canary,
            place=place,
            values={"needs": ["demarche"], "languages": ["fr"]},
            message="Elle doit refaire sa déclaration CAF.",
        )
    # The receiver reads it, accepts it, records the visit; pages and e-mails go out.
    client.force_login(owner)
    client.get(reverse("referrals:referral_list"))
    client.get(reverse("referrals:referral_detail", args=[referral.public_id]))
    with django_capture_on_commit_callbacks(execute=True):
        actions.accept_referral(
            referral=referral,
            actor=owner,
            organisation=place.organisation,
            version=0,
            come_hours="mardi",
        )
        actions.record_came(
            referral=referral, actor=owner, organisation=place.organisation, version=1
        )
    # The receiver's page shows what the consent lists, nothing more.
    page = client.get(reverse("referrals:referral_detail", args=[referral.public_id]))
    assert "Zéphyrinecanari" in page.content.decode()
    for trace in TRACES[1:3]:
        assert trace not in page.content.decode()
    # The coordinator's statistics and the territory's open data.
    client.force_login(coordinator)
    stats = client.get(reverse("referrals:referral_stats_csv", args=[territory.slug]))
    _clean(stats.content.decode("utf-8-sig"), "the referral statistics")
    stats = client.get(reverse("assessments:assessment_stats_csv", args=[territory.slug]))
    _clean(stats.content.decode("utf-8-sig"), "the assessment statistics")
    export = client.get(reverse("places:export"), {"territoire": territory.slug})
    _clean(export.content.decode(errors="replace"), "the open-data page")

    # Read at the end: the test client may give Django's outbox a new list on the way.
    assert mail.outbox, "the loop sent e-mails"
    for message in mail.outbox:
        _clean(message.subject, "an e-mail subject")
    _clean("\n".join(record.getMessage() for record in caplog.records), "the logs")
    _clean("\n".join(str(record.args) for record in caplog.records), "the log arguments")
