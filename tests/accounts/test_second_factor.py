"""The second factor, walked the real way: password, then a code from the application
(computed here as the phone would) or a recovery code."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from aiguillage.accounts import actions
from aiguillage.accounts.models import User
from aiguillage.journal.models import JournalEntry
from tests import factories
from tests.second_factor import (
    app_code,
    code_for_key,
    key_from_setup_page,
    recovery_codes_of,
)

pytestmark = pytest.mark.django_db

PEOPLE = reverse("people:person_list")
SETUP = reverse("accounts:second_factor_setup")
VERIFY = reverse("accounts:second_factor_verify")


def _password_login(client, user) -> None:
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": "motdepasse-test"}
    )
    assert response.status_code == 302, response.content.decode()[:500]


def _enrol(client, user) -> list[str]:
    """Password, then the setup page, as a newcomer does. Returns the recovery codes."""
    _password_login(client, user)
    page = client.get(SETUP)
    key = key_from_setup_page(page.content.decode())
    done = client.post(SETUP, {"code": code_for_key(key)})
    codes = recovery_codes_of(done.content.decode())
    assert len(codes) == 10
    client.logout()
    return codes


def _let_throttle_pass(user) -> None:
    """Stands for the seconds a person waits after a wrong code."""
    past = timezone.now() - dt.timedelta(hours=2)
    TOTPDevice.objects.filter(user=user).update(throttling_failure_timestamp=past)
    StaticDevice.objects.filter(user=user).update(throttling_failure_timestamp=past)


def test_a_member_with_only_the_password_reaches_no_file(client, owner):
    _password_login(client, owner)

    response = client.get(PEOPLE)

    assert response.status_code == 302
    assert response.url == f"{SETUP}?next=%2Fespace%2Fpersonnes%2F"
    assert client.get(reverse("accounts:dashboard")).status_code == 302


def test_setting_up_the_application_opens_the_files_and_shows_ten_recovery_codes(client, owner):
    _password_login(client, owner)
    page = client.get(f"{SETUP}?next={PEOPLE}")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html  # the QR code, inline
    key = key_from_setup_page(html)

    done = client.post(SETUP, {"code": code_for_key(key), "next": PEOPLE})

    assert "La double authentification est activée" in done.content.decode()
    codes = recovery_codes_of(done.content.decode())
    assert len(set(codes)) == 10
    assert f'href="{PEOPLE}"' in done.content.decode()
    assert client.get(PEOPLE).status_code == 200
    assert TOTPDevice.objects.get(user=owner).confirmed
    assert JournalEntry.objects.filter(event="second_factor_enrolled", actor=owner).exists()


def test_reloading_the_setup_page_keeps_the_key_already_scanned(client, owner):
    _password_login(client, owner)
    first = key_from_setup_page(client.get(SETUP).content.decode())
    second = key_from_setup_page(client.get(SETUP).content.decode())
    assert first == second
    assert TOTPDevice.objects.filter(user=owner).count() == 1


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Saisissez le code."),
        ("12a456", "Saisissez les 6 chiffres affichés par l&#x27;application."),
        ("000000", "Ce code ne correspond pas."),
    ],
)
def test_a_wrong_first_code_leaves_the_factor_off_with_a_french_message(
    client, owner, typed, message
):
    _password_login(client, owner)
    client.get(SETUP)

    response = client.post(SETUP, {"code": typed})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TOTPDevice.objects.filter(user=owner, confirmed=True).exists()
    assert client.get(PEOPLE).status_code == 302


def test_an_enrolled_member_enters_the_application_code_after_the_password(client, owner):
    _enrol(client, owner)
    _password_login(client, owner)
    before = client.session.session_key

    asked = client.get(PEOPLE)
    assert asked.url == f"{VERIFY}?next=%2Fespace%2Fpersonnes%2F"
    device = TOTPDevice.objects.get(user=owner)
    # Typed with a space, as phones show it.
    code = app_code(device, offset_steps=1)
    passed = client.post(VERIFY, {"code": f"{code[:3]} {code[3:]}", "next": PEOPLE})

    assert passed.status_code == 302
    assert passed.url == PEOPLE
    assert client.get(PEOPLE).status_code == 200
    # The session that gained the right is a new one (no session fixation).
    assert client.session.session_key != before


def test_a_wrong_code_is_refused_journaled_and_slows_the_next_try(client, owner):
    _enrol(client, owner)
    _password_login(client, owner)
    device = TOTPDevice.objects.get(user=owner)
    wrong = f"{(int(app_code(device, offset_steps=1)) + 1) % 1_000_000:06d}"

    refused = client.post(VERIFY, {"code": wrong})
    right_too_soon = client.post(VERIFY, {"code": app_code(device, offset_steps=1)})

    assert refused.status_code == 400
    assert "Ce code n&#x27;est pas valable." in refused.content.decode()
    assert "Trop de codes erronés à la suite. Attendez" in right_too_soon.content.decode()
    assert client.get(PEOPLE).status_code == 302
    assert JournalEntry.objects.filter(event="second_factor_refused", actor=owner).count() == 2
    _let_throttle_pass(owner)
    assert client.post(VERIFY, {"code": app_code(device, offset_steps=1)}).status_code == 302
    assert client.get(PEOPLE).status_code == 200


def test_a_code_cannot_be_used_twice(client, owner):
    _enrol(client, owner)
    device = TOTPDevice.objects.get(user=owner)
    code = app_code(device, offset_steps=1)
    _password_login(client, owner)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    client.logout()

    _password_login(client, owner)
    replay = client.post(VERIFY, {"code": code})

    assert replay.status_code == 400
    assert client.get(PEOPLE).status_code == 302


def test_a_recovery_code_works_once_and_says_how_many_are_left(client, owner):
    codes = _enrol(client, owner)
    _password_login(client, owner)

    used = client.post(VERIFY, {"code": codes[0].upper()}, follow=True)

    assert "il vous en reste 9" in used.content.decode()
    assert client.get(PEOPLE).status_code == 200
    assert JournalEntry.objects.filter(event="recovery_code_used", actor=owner).exists()
    client.logout()
    _password_login(client, owner)
    assert client.post(VERIFY, {"code": codes[0]}).status_code == 400
    _let_throttle_pass(owner)
    assert client.post(VERIFY, {"code": codes[1]}).status_code == 302


def test_an_unverified_session_cannot_replace_the_factor_or_renew_the_codes(client, owner):
    """Somebody who guessed the password must not enrol their own phone."""
    codes = _enrol(client, owner)
    _password_login(client, owner)
    key = bytes.fromhex(TOTPDevice.objects.get(user=owner).key)

    setup = client.get(SETUP)
    renew = client.post(reverse("accounts:second_factor_recovery_codes"))

    assert setup.status_code == 302 and setup.url.startswith(VERIFY)
    assert renew.status_code == 302 and renew.url.startswith(VERIFY)
    assert bytes.fromhex(TOTPDevice.objects.get(user=owner).key) == key
    assert client.post(VERIFY, {"code": codes[3]}).status_code == 302


def test_renewing_recovery_codes_voids_the_old_ones(client, owner):
    old = _enrol(client, owner)
    _password_login(client, owner)
    assert client.post(VERIFY, {"code": old[0]}).status_code == 302

    page = client.post(reverse("accounts:second_factor_recovery_codes"))
    new = recovery_codes_of(page.content.decode())

    assert len(new) == 10 and not set(new) & set(old)
    client.logout()
    _password_login(client, owner)
    assert client.post(VERIFY, {"code": old[1]}).status_code == 400
    _let_throttle_pass(owner)
    assert client.post(VERIFY, {"code": new[0]}).status_code == 302


def test_the_management_page_tells_the_state(client, owner):
    _enrol(client, owner)
    _password_login(client, owner)
    client.post(VERIFY, {"code": app_code(TOTPDevice.objects.get(user=owner), offset_steps=1)})

    page = client.get(reverse("accounts:second_factor")).content.decode()

    assert "Activée" in page
    assert "Il vous reste <strong>10</strong> codes de secours" in page


def test_public_pages_stay_open_between_the_password_and_the_code(client, owner):
    _password_login(client, owner)
    assert client.get(reverse("ui:home")).status_code == 200


def test_a_coordinator_without_a_structure_reads_no_file_and_is_not_asked(client, coordinator):
    _password_login(client, coordinator)
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_staff_pass_the_second_factor_before_the_admin(client, staff):
    _password_login(client, staff)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(SETUP)


def test_where_it_is_not_required_an_account_that_switched_it_on_still_uses_it(
    client, owner, colleague_read_only, settings
):
    settings.TWO_FACTOR_REQUIRED = False
    _password_login(client, colleague_read_only)
    assert client.get(PEOPLE).status_code == 200
    client.logout()

    _enrol(client, owner)
    _password_login(client, owner)
    assert client.get(PEOPLE).url.startswith(VERIFY)


def test_staff_reset_a_lost_phone_from_the_admin_and_the_person_is_told(
    client, owner, smtp_server, django_capture_on_commit_callbacks
):
    staff = User.objects.create_superuser("support@aiguillage.test", "motdepasse-test")
    _enrol(client, owner)
    admin_client = type(client)()
    admin_client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "reset_second_factor", "_selected_action": [owner.pk]},
            follow=True,
        )

    assert "1 compte(s) réinitialisé(s)" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=owner).exists()
    assert not StaticDevice.objects.filter(user=owner).exists()
    entry = JournalEntry.objects.get(event="second_factor_reset")
    assert entry.actor == staff
    assert [envelope.rcpt_tos for envelope in smtp_server.envelopes] == [[owner.email]]
    _password_login(client, owner)
    assert client.get(PEOPLE).url.startswith(SETUP)


def test_only_another_staff_member_resets_a_second_factor(owner, staff):
    with pytest.raises(actions.AccountError, match="l'équipe Aiguillage"):
        actions.reset_second_factor(user=staff, actor=owner)
    with pytest.raises(actions.AccountError, match="votre propre"):
        actions.reset_second_factor(user=staff, actor=staff)
    assert not JournalEntry.objects.filter(event="second_factor_reset").exists()


def test_the_admin_shows_no_secret_key(client, staff):
    client.force_login(staff)
    factories.UserFactory()
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404
