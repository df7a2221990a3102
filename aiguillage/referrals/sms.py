"""The SMS a social worker sends to the person: where, when, what to bring, the phone.

Written in the GSM 7-bit alphabet (aiguillage/sms.py), so that a phone sends it 160
characters per SMS instead of 70. One SMS when the essentials fit, two at most. To fit, the
optional parts go in this order (``DROP_ORDER``), one at a time, and the first version that
fits in one SMS is sent; when none does, the fullest version that fits in two:

1. the address complement (« bâtiment B, 2e étage »);
2. the postcode (the commune stays);
3. what to bring, the least useful item first;
4. the first name in « Bonjour ».

If even the shortest version needs more than two SMS (a place name of 250 characters), the
place name, the address, the hours to come and the phone are cut (« ... »), so that two SMS
always hold them. Pure functions: the view passes the wall-clock moments of the place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from aiguillage.places.hours.wording import format_minutes
from aiguillage.sms import clip, count, to_gsm7

DROP_ORDER = ("complement", "postcode", "bring", "first_name")

SHORT_DAYS = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")

# What to bring (referrals.rules.what_to_bring), in the fewest words.
SHORT_BRING: dict[str, str] = {
    "une pièce d'identité": "pièce d'identité",
    "les courriers reçus pour cette démarche": "courriers reçus",
    "vos identifiants si vous en avez (numéro d'allocataire, mot de passe…)": "identifiants",
    "votre téléphone, tablette ou ordinateur, chargé, avec son chargeur": "votre appareil chargé",
    "un justificatif de ressources (certaines aides le demandent)": "justificatif de ressources",
    "une clé USB si vous voulez garder vos documents": "clé USB",
}

# Room (in septets) of each part when even the shortest version needs more than two SMS;
# with the fixed words they add up to less than two SMS.
LAST_RESORT_ROOM = {"place": 60, "street": 60, "commune": 40, "when": 78, "phone": 20}


def short_moment(moment: dt.datetime, *, at: str = "à") -> str:
    """« mar. 6/10 à 14 h », « sam. 24/1 à 9 h 30 » (wall-clock time of ``moment``)."""
    day = f"{SHORT_DAYS[moment.weekday()]} {moment.day}/{moment.month}"
    return f"{day} {at} {format_minutes(moment.hour * 60 + moment.minute)}"


def when_text(
    *,
    appointment_at: dt.datetime | None = None,
    come_hours: str = "",
    first_slot_at: dt.datetime | None = None,
) -> str:
    """When to come: the appointment, else the hours the place gave, else a first moment."""
    if appointment_at is not None:
        return f"RDV {short_moment(appointment_at)}."
    if come_hours.strip():
        return f"Venez {come_hours.strip().rstrip('.')}."
    if first_slot_at is not None:
        return f"Ouvert par ex. {short_moment(first_slot_at, at='dès')}."
    return ""


@dataclass(frozen=True)
class _Parts:
    first_name: str
    place: str
    street: str
    complement: str
    postcode: str
    commune: str
    when: str
    bring: tuple[str, ...]
    phone: str

    def text(self) -> str:
        greeting = f"Bonjour {self.first_name}." if self.first_name else "Bonjour."
        town = f"{self.postcode} {self.commune}".strip()
        address = ", ".join(part for part in (self.street, self.complement, town) if part)
        where = f"Aide numérique : {self.place}" + (f", {address}" if address else "") + "."
        sentences = [greeting, where, self.when]
        if self.bring:
            sentences.append("Apportez : " + ", ".join(self.bring) + ".")
        if self.phone:
            sentences.append(f"Tél. {self.phone}")
        return " ".join(sentence for sentence in sentences if sentence)


def _plain(text: str) -> str:
    return " ".join(to_gsm7(text).split()).strip(" ,;").rstrip(".")


def _versions(parts: _Parts):
    """The full text, then each optional part dropped in ``DROP_ORDER``."""
    yield parts
    for name in DROP_ORDER:
        if name == "bring":
            while parts.bring:
                parts = replace(parts, bring=parts.bring[:-1])
                yield parts
        elif getattr(parts, name):
            parts = replace(parts, **{name: ""})
            yield parts


def referral_sms(
    *,
    first_name: str,
    place_name: str,
    street: str,
    complement: str = "",
    postcode: str = "",
    commune: str = "",
    when: str = "",
    phone: str = "",
    bring: Sequence[str] = (),
) -> str:
    """The text for the person's phone: pure GSM 7-bit, one SMS when possible, two at most."""
    when_plain = _plain(when)
    parts = _Parts(
        first_name=_plain(first_name),
        place=_plain(place_name),
        street=_plain(street),
        complement=_plain(complement),
        postcode=_plain(postcode),
        commune=_plain(commune),
        when=when_plain + "." if when_plain else "",
        bring=tuple(_plain(SHORT_BRING.get(item, item)) for item in bring if _plain(item)),
        phone=_plain(phone),
    )
    versions = [version.text() for version in _versions(parts)]
    for most_parts in (1, 2):
        for text in versions:
            if count(text).parts <= most_parts:
                return text
    room = LAST_RESORT_ROOM
    shortest = _Parts(
        first_name="",
        place=clip(parts.place, room["place"]),
        street=clip(parts.street, room["street"]),
        complement="",
        postcode="",
        commune=clip(parts.commune, room["commune"]),
        when=clip(parts.when, room["when"]),
        bring=(),
        phone=clip(parts.phone, room["phone"]),
    )
    return shortest.text()
