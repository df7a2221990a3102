"""The second factor: who needs one, what they have, how a code is read.

Every account that can open a person's file (a member of a structure) or the admin (staff)
passes a second factor after the password: a code from an authenticator application
(TOTP, RFC 6238) or one of ten single-use recovery codes. Writes live in ``actions.py``.
"""

from __future__ import annotations

import re
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from aiguillage.accounts.models import Membership, User

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Application d'authentification"
RECOVERY_DEVICE_NAME = "Codes de secours"


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def must_pass_second_factor(user: User, *, is_member: bool | None = None) -> bool:
    """Whether this signed-in account is asked for a code before any private page.

    An account that set one up always uses it, even where it is not required (the demo):
    a second factor that can be skipped protects nothing. ``is_member`` saves a query
    when the caller already knows."""
    if has_second_factor(user):
        return True
    if not settings.TWO_FACTOR_REQUIRED:
        return False
    if is_member is None:
        is_member = Membership.objects.filter(user=user).exists()
    return user.is_staff or is_member


def pending_app_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def remaining_recovery_codes(user: User) -> int:
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    return device.token_set.count() if device else 0


def normalised_code(text: str) -> str:
    """What people type: « 123 456 », « abcd-efgh » → « 123456 », « abcdefgh »."""
    return re.sub(r"[\s\-.]", "", text or "").lower()


def is_app_code(code: str) -> bool:
    return bool(re.fullmatch(r"\d{6}", code))


def is_recovery_code(code: str) -> bool:
    return bool(re.fullmatch(r"[a-z2-7]{8}", code))


def grouped_key(device: TOTPDevice) -> str:
    """The secret in base32, by groups of four, for people who cannot scan a QR code."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def displayed_recovery_code(token: str) -> str:
    return f"{token[:4]}-{token[4:]}"


def qr_code_svg(device: TOTPDevice) -> str:
    """The enrolment QR code as inline SVG (no image file, nothing leaves the server)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg = image.to_string(encoding="unicode")
    # The XML declaration is not valid inside HTML.
    return re.sub(r"^<\?xml[^>]*\?>", "", svg).strip()


def confirmed_devices(user: User) -> list:
    return list(devices_for_user(user, confirmed=True))
