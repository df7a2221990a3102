"""The coordinators' upload page: permissions, bad files, progress and report."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aiguillage.places.models import ImportRun, ImportStatus, Place

CSV_HEADER = (
    "id,pivot,nom,commune,code_postal,code_insee,adresse,complement_adresse,latitude,longitude,"
    "typologie,telephone,courriels,site_web,horaires,presentation_resume,presentation_detail,source,"
    "itinerance,structure_parente,date_maj,services,publics_specifiquement_adresses,"
    "prise_en_charge_specifique,frais_a_charge,dispositif_programmes_nationaux,formations_labels,"
    "autres_formations_labels,modalites_acces,modalites_accompagnement,fiche_acces_libre,prise_rdv\n"
)


def _row(
    identifier: str, name: str, latitude: str = "45.19", hours: str = "Mo-Fr 09:00-12:00"
) -> str:
    return (
        f"{identifier},00000000000000,{name},Grenoble,38000,38185,1 rue A,,{latitude},5.72,,,,,"
        f"{hours},,,Test,,,2024-01-01,Aide aux démarches administratives,,,,,,,,,,\n"
    )


def test_only_coordinators_reach_the_import_page(client, owner, coordinator):
    client.force_login(owner)
    assert client.get(reverse("places:import")).status_code == 403
    client.force_login(coordinator)
    assert client.get(reverse("places:import")).status_code == 200


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("places:import"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_upload_imports_good_rows_and_lists_rejected_ones(
    client, coordinator, territory, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    body = (
        CSV_HEADER + _row("a", "Lieu A") + _row("b", "Lieu B", latitude="95") + _row("c", "Lieu C")
    )
    upload = SimpleUploadedFile("lieux.csv", body.encode(), content_type="text/csv")
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("places:import"), {"territory": territory.slug, "file": upload}
        )
    response = client.get(response["Location"])
    assert response.status_code == 200
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.DONE
    assert (run.created, run.rejected) == (2, 1)
    page = response.content.decode()
    assert "ligne 3" in page
    assert "Lignes rejetées" in page
    assert Place.objects.count() == 2


def test_empty_upload_redisplays_the_form_with_a_french_message(client, coordinator, territory):
    client.force_login(coordinator)
    upload = SimpleUploadedFile("vide.csv", b"", content_type="text/csv")
    response = client.post(reverse("places:import"), {"territory": territory.slug, "file": upload})
    assert response.status_code == 200
    assert "vide" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_unreadable_file_shows_the_failure(
    client, coordinator, territory, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile(
        "image.csv", b"\x89PNG\r\n\x1a\n\x00\x00binaire", content_type="text/csv"
    )
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("places:import"), {"territory": territory.slug, "file": upload}
        )
    response = client.get(response["Location"])
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.FAILED
    assert run.error in response.content.decode()


def test_import_report_is_hidden_from_other_structures(client, coordinator, outsider, territory):
    run = ImportRun.objects.create(territory=territory, filename="x.csv", actor=coordinator)
    client.force_login(outsider)
    assert client.get(reverse("places:import_detail", args=[run.public_id])).status_code == 404
    client.force_login(coordinator)
    response = client.get(
        reverse("places:import_detail", args=[run.public_id]) + "?fragment=progress",
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'id="import-progress"' in response.content.decode()
    assert "every 1s" in response.content.decode()  # still pending: the fragment keeps polling


def test_finished_import_fragment_asks_for_a_full_reload(client, coordinator, territory):
    run = ImportRun.objects.create(
        territory=territory, filename="x.csv", actor=coordinator, status=ImportStatus.DONE
    )
    client.force_login(coordinator)
    url = reverse("places:import_detail", args=[run.public_id]) + "?fragment=progress"
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"
    assert "every 1s" not in response.content.decode()
