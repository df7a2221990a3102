"""The staff page of the referential: list, download, publish a new version (never edit)."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aiguillage.assessments.models import ReferentialVersion
from tests.assessments.conftest import stricter_v2

LIST = "assessments:referential_list"


def test_staff_see_the_versions_with_a_copy_ready_to_edit(client, staff):
    client.force_login(staff)
    page = client.get(reverse(LIST)).content.decode()
    stored = ReferentialVersion.objects.get()
    assert stored.version in page and stored.content_hash[:12] in page
    assert "&quot;version&quot;: &quot;1.0.1&quot;" in page  # the form starts from a copy


def test_staff_download_a_version(client, staff):
    client.force_login(staff)
    client.get(reverse(LIST))
    response = client.get(reverse("assessments:referential_download", args=["1.0.0"]))
    assert json.loads(response.content)["version"] == "1.0.0"
    assert "referentiel-1.0.0.json" in response["Content-Disposition"]
    assert (
        client.get(reverse("assessments:referential_download", args=["9.9.9"])).status_code == 404
    )


def test_staff_publish_a_new_version_pasted(client, staff):
    client.force_login(staff)
    client.get(reverse(LIST))
    response = client.post(
        reverse(LIST), {"document": json.dumps(stricter_v2()), "note": "Seuil plus strict"}
    )
    assert response.status_code == 302
    assert ReferentialVersion.objects.current().version == "2.0.0"


def test_staff_publish_a_new_version_from_a_file(client, staff):
    client.force_login(staff)
    client.get(reverse(LIST))
    upload = SimpleUploadedFile("v2.json", json.dumps(stricter_v2()).encode(), "application/json")
    client.post(reverse(LIST), {"fichier": upload, "note": "Depuis un fichier"})
    assert ReferentialVersion.objects.current().note == "Depuis un fichier"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{pas du json", "pas du JSON valide"),
        ("[1, 2]", "doit être un objet JSON"),
        ("", "Collez le contenu JSON"),
        (json.dumps(stricter_v2() | {"version": "1.0.0"}), "existe déjà"),
        (json.dumps(stricter_v2() | {"typologies": []}), "typologies"),
    ],
)
def test_bad_versions_are_refused_in_french(client, staff, document, message):
    client.force_login(staff)
    client.get(reverse(LIST))
    response = client.post(reverse(LIST), {"document": document, "note": "Essai"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ReferentialVersion.objects.count() == 1


@pytest.mark.parametrize("who", ["owner", "coordinator"])
def test_others_get_403(client, db, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(LIST)).status_code == 403
    response = client.post(reverse(LIST), {"document": json.dumps(stricter_v2()), "note": "x"})
    assert response.status_code == 403
    assert not ReferentialVersion.objects.filter(version="2.0.0").exists()
    assert (
        client.get(reverse("assessments:referential_download", args=["1.0.0"])).status_code == 403
    )


def test_anonymous_visitors_are_sent_to_login(client, db):
    response = client.get(reverse(LIST))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_admin_shows_versions_and_assessments_without_personal_data(
    client, owner, organisation
):
    from tests import factories
    from tests.assessments.conftest import AUTONOMY, make_person, screening

    admin = factories.UserFactory(is_staff=True, is_superuser=True)

    person = make_person(owner, organisation, first_name="Zélie")
    assessment = screening(owner, organisation, person, AUTONOMY)
    client.force_login(admin)
    versions = client.get(reverse("admin:assessments_referentialversion_changelist"))
    assert versions.status_code == 200 and "1.0.0" in versions.content.decode()
    listing = client.get(reverse("admin:assessments_assessment_changelist")).content.decode()
    assert str(assessment.public_id) in listing
    detail = client.get(reverse("admin:assessments_assessment_change", args=[assessment.pk]))
    assert detail.status_code == 200
    assert "Zélie" not in detail.content.decode()
    assert "usage_internet" not in detail.content.decode()
