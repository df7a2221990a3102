"""Codes an authenticator application would show, for tests that log in the real way."""

from __future__ import annotations

import re

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def app_code(device: TOTPDevice, *, offset_steps: int = 0) -> str:
    """The code the phone shows now (or ``offset_steps`` periods later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset_steps * device.step
    return f"{totp.token():06d}"


def key_from_setup_page(html: str) -> bytes:
    """The secret as a person would type it from the page (base32, grouped by four)."""
    from base64 import b32decode

    match = re.search(r'<code class="secret-key">([A-Z2-7 ]+)</code>', html)
    assert match, "the setup page shows no key to type"
    return b32decode(match.group(1).replace(" ", ""))


def code_for_key(key: bytes) -> str:
    totp = TOTP(key)
    return f"{totp.token():06d}"


def recovery_codes_of(html: str) -> list[str]:
    return re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", html)
