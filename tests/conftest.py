"""Shared fixtures: personas, a small territory, a real SMTP server."""

from __future__ import annotations

import secrets
import socket

import boto3
import pytest
from aiosmtpd.controller import Controller
from django.test import Client
from moto.server import ThreadedMotoServer

from tests import factories


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # The production hasher costs ~0.5 s per password on these machines; its strength is
    # not what the tests check.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """``client.force_login`` stands for a finished login: password and second factor.

    The second factor stays required (settings of the test environment), so a page reached
    any other way (the login form, a session of its own) still asks for the code; the tests
    of ``tests/accounts/test_second_factor.py`` walk that path."""
    original = Client.force_login

    def force_login(self, user, backend=None):
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_static.models import StaticDevice

        original(self, user, backend)
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name="tests: force_login", defaults={"confirmed": True}
        )
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _files_in_a_temporary_storage(settings, tmp_path):
    """Uploads and coverage results go to this test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def territory(db):
    territory = factories.TerritoryFactory(name="Métropole de test", slug="test", siren="200040715")
    factories.CommuneFactory(
        insee_code="38185",
        name="Grenoble",
        territory=territory,
        latitude=45.1824,
        longitude=5.7155,
        population=156_000,
        postcodes=["38000", "38100"],
    )
    factories.CommuneFactory(
        insee_code="38151",
        name="Échirolles",
        territory=territory,
        latitude=45.1439,
        longitude=5.7192,
        population=37_000,
        postcodes=["38130"],
    )
    return territory


@pytest.fixture
def organisation(territory):
    return factories.OrganisationFactory(name="Médiathèque du centre", territory=territory)


@pytest.fixture
def other_organisation(territory):
    return factories.OrganisationFactory(name="Centre social du sud", territory=territory)


@pytest.fixture
def owner(organisation):
    """A manager of the organisation that owns the places under test."""
    return factories.MembershipFactory(organisation=organisation, manager=True).user


@pytest.fixture
def colleague_read_only(organisation):
    """A plain member of the same organisation."""
    return factories.MembershipFactory(organisation=organisation).user


@pytest.fixture
def outsider(other_organisation):
    """A member of another organisation of the same territory."""
    return factories.MembershipFactory(organisation=other_organisation, manager=True).user


@pytest.fixture
def coordinator(territory):
    return factories.CoordinationFactory(territory=territory).user


@pytest.fixture
def staff(db):
    return factories.UserFactory(is_staff=True, email="equipe@aiguillage.test")


@pytest.fixture(scope="session", autouse=True)
def _no_stray_database_sessions(django_db_setup, django_db_blocker):
    """End the sessions a test thread left open before the test database is dropped.

    Browser tests serve pages from the live server's request threads, and the
    concurrency tests post from their own threads; a thread that dies mid-request
    (a closed browser tab) can leave its PostgreSQL session open, and PostgreSQL
    refuses to drop a database somebody is connected to. Each stray session is
    printed with its last query so that the leak can be traced.
    """
    yield
    from django.db import connection, connections

    if connection.vendor != "postgresql" or not connection.settings_dict["NAME"].startswith("test"):
        return  # SQLite, or a run of tests that needed no test database
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid, state, left(query, 200) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            strays = cursor.fetchall()
            for pid, state, query in strays:
                print(f"\nstray database session {pid} ({state}): {query}")
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        connections.close_all()


class RecordingHandler:
    """Keeps every envelope the SMTP server accepts."""

    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's name
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real local SMTP server (aiosmtpd) that Django's SMTP backend sends to."""
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield handler
    controller.stop()


# --- Object storage: moto's S3-compatible server, as several machines would use ---------
CREDENTIALS = {"aws_access_key_id": "essai", "aws_secret_access_key": "essai-secret"}


@pytest.fixture(scope="session")
def s3_endpoint():
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_bucket(settings, s3_endpoint, tmp_path):
    name = f"aiguillage-{secrets.token_hex(4)}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="eu-west-3", **CREDENTIALS)
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
    settings.MEDIA_ROOT = tmp_path / "never-used"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": s3_endpoint,
                "region_name": "eu-west-3",
                "access_key": CREDENTIALS["aws_access_key_id"],
                "secret_key": CREDENTIALS["aws_secret_access_key"],
                "default_acl": "private",
                "file_overwrite": True,
            },
        },
    }

    def keys() -> list[str]:
        listing = client.list_objects_v2(Bucket=name)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    yield keys
    assert not settings.MEDIA_ROOT.exists(), "a file was written on the web machine's disk"
