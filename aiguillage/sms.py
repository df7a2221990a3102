"""SMS in the GSM 7-bit alphabet (3GPP TS 23.038, « GSM 03.38 »): what fits, and what it costs.

A text with a single character outside this alphabet (« ç », « ê », « ’ », « … ») is sent in
UCS-2: 70 characters per SMS instead of 160, so texts for people's phones are written with
``to_gsm7`` and counted with ``count``. Pure functions, no ORM; used by referrals and
workshops.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# The default alphabet, and its extension table (each of those costs two septets: an escape
# and the character).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€")
# Typography a phone would otherwise send in UCS-2. Other characters lose their accent
# (« ê » → « e », « ç » → « c ») or, without a plain letter inside, are dropped.
GSM7_REPLACEMENTS = {
    "«": '"', "»": '"', "“": '"', "”": '"', "’": "'", "‘": "'", "–": "-", "—": "-",
    "…": "...", "\u00a0": " ", "\u202f": " ", "œ": "oe", "Œ": "OE", "·": ".",
}  # fmt: skip

# One SMS holds 160 septets; concatenated, each part holds 153 (the rest is the header).
SINGLE_SEPTETS = 160
PART_SEPTETS = 153
TWO_PARTS_SEPTETS = 2 * PART_SEPTETS
# The same in UCS-2, for a text that is not pure GSM 7-bit.
UCS2_SINGLE = 70
UCS2_PART = 67


def is_gsm7(text: str) -> bool:
    return all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in text)


def to_gsm7(text: str) -> str:
    """``text`` written with the GSM 7-bit alphabet only: French typography replaced,
    accents the alphabet lacks dropped (« ê » → « e », « ç » → « c »), the rest removed."""
    # French quotes hold their spaces inside: « oui » reads "oui".
    text = re.sub(r"«\s*", "«", re.sub(r"\s*»", "»", text))
    out = []
    for char in text:
        char = GSM7_REPLACEMENTS.get(char, char)
        if is_gsm7(char):
            out.append(char)
            continue
        plain = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        out.append("".join(c for c in plain if is_gsm7(c)))
    return "".join(out)


def septets(text: str) -> int:
    """How many septets ``text`` takes in GSM 7-bit (extension characters count twice)."""
    return sum(2 if char in GSM7_EXTENSION else 1 for char in text)


@dataclass(frozen=True)
class SmsCount:
    """What a text costs: its encoding, its length as the network counts it, its parts."""

    encoding: str  # "GSM-7" or "UCS-2"
    characters: int  # septets in GSM-7, UTF-16 code units in UCS-2
    parts: int

    def __str__(self) -> str:
        """« 1 SMS, 142 caractères »."""
        return f"{self.parts} SMS, {self.characters} caractère{'s' if self.characters > 1 else ''}"


def count(text: str) -> SmsCount:
    """The encoding a phone picks for ``text``, its length and the SMS it is split into.

    A concatenated part never splits an extension character from its escape, so a part may
    hold 152 septets."""
    if not is_gsm7(text):
        units = len(text.encode("utf-16-le")) // 2
        parts = 1 if units <= UCS2_SINGLE else -(-units // UCS2_PART)
        return SmsCount("UCS-2", units, parts)
    total = septets(text)
    if total <= SINGLE_SEPTETS:
        return SmsCount("GSM-7", total, 1)
    parts, used = 1, 0
    for char in text:
        size = 2 if char in GSM7_EXTENSION else 1
        if used + size > PART_SEPTETS:
            parts, used = parts + 1, 0
        used += size
    return SmsCount("GSM-7", total, parts)


def clip(text: str, room: int) -> str:
    """``text`` (GSM 7-bit) cut to at most ``room`` septets, ending with « ... » when cut."""
    text = " ".join(text.split())
    if septets(text) <= room:
        return text
    if room < 4:
        return ""
    kept, used = [], 0
    for char in text:
        size = 2 if char in GSM7_EXTENSION else 1
        if used + size > room - 3:
            break
        kept.append(char)
        used += size
    return "".join(kept).rstrip(" ,.;:-") + "..."
