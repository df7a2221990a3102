"""Pure rules of the equipment pool: what a booking period may be, when a loan is late,
free and booked periods of an item, accessories, photos, and the French texts of dates.

No ORM here: the actions and views pass plain values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# A booking lasts at most this long: longer needs are a gift or a transfer, not a loan.
MAX_BOOKING_DAYS = 90
# A booking may start this little in the past: « from now » picked on a phone a minute ago.
PAST_GRACE = dt.timedelta(minutes=15)
# Photos: small, and only the formats every browser shows.
MAX_PHOTO_BYTES = 2 * 1024 * 1024
PHOTO_SIGNATURES = {"jpg": (b"\xff\xd8\xff",), "png": (b"\x89PNG\r\n\x1a\n",)}
# Accessories: a short list of short words (« chargeur », « housse »).
MAX_ACCESSORIES = 20
MAX_ACCESSORY_LENGTH = 60

DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def period_problem(starts_at: dt.datetime, ends_at: dt.datetime, *, now: dt.datetime) -> str | None:
    """None when a booking may cover [starts_at, ends_at), else the French reason."""
    if ends_at == starts_at:
        return "La réservation ne peut pas durer zéro minute : la fin doit être après le début."
    if ends_at < starts_at:
        return "La fin de la réservation est avant son début."
    if starts_at < now - PAST_GRACE:
        return "Le début de la réservation est déjà passé : choisissez une date à venir."
    if ends_at - starts_at > dt.timedelta(days=MAX_BOOKING_DAYS):
        return f"Une réservation dure au plus {MAX_BOOKING_DAYS} jours."
    return None


def overlaps(
    a_start: dt.datetime, a_end: dt.datetime, b_start: dt.datetime, b_end: dt.datetime
) -> bool:
    """Half-open periods [start, end): one ending when the other starts does not overlap."""
    return a_start < b_end and b_start < a_end


def is_late(*, is_checked_out: bool, ends_at: dt.datetime, now: dt.datetime) -> bool:
    """Handed over and not back at the end of the period."""
    return is_checked_out and ends_at < now


@dataclass(frozen=True)
class Segment:
    starts_at: dt.datetime
    ends_at: dt.datetime
    booking: Any = None  # None: free

    @property
    def is_free(self) -> bool:
        return self.booking is None


def availability(
    window_start: dt.datetime,
    window_end: dt.datetime,
    booked: Iterable[tuple[dt.datetime, dt.datetime, Any]],
) -> list[Segment]:
    """The window cut into free and booked segments, in order. ``booked`` holds
    (start, end, booking) of active bookings; they never overlap each other."""
    segments: list[Segment] = []
    cursor = window_start
    for start, end, booking in sorted(booked, key=lambda row: row[0]):
        if end <= window_start or start >= window_end:
            continue
        if start > cursor:
            segments.append(Segment(cursor, start))
        segments.append(Segment(max(start, window_start), min(end, window_end), booking))
        cursor = max(cursor, min(end, window_end))
    if cursor < window_end:
        segments.append(Segment(cursor, window_end))
    return segments


def month_window(year: int, month: int, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """The first instant of the month and of the next one, on the territory's clock."""
    start = dt.datetime(year, month, 1, tzinfo=tz)
    following = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)
    return start, following


def parse_month(text: str | None, *, today: dt.date) -> tuple[int, int]:
    """« 2026-03 » from a query string, or the current month when missing or malformed."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return year, month
    except ValueError:
        pass
    return today.year, today.month


def clean_accessories(values: Iterable[str]) -> list[str]:
    """Trimmed, without blanks or repeats (case-insensitive), in the order given."""
    seen: set[str] = set()
    cleaned = []
    for value in values:
        text = " ".join(str(value).split())
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            cleaned.append(text)
    return cleaned


def accessories_problem(accessories: Sequence[str]) -> str | None:
    if len(accessories) > MAX_ACCESSORIES:
        return f"Indiquez au plus {MAX_ACCESSORIES} accessoires."
    if any(len(text) > MAX_ACCESSORY_LENGTH for text in accessories):
        return f"Un accessoire s'écrit en {MAX_ACCESSORY_LENGTH} caractères au plus."
    return None


def photo_kind(head: bytes) -> str | None:
    """« jpg » or « png » from the file's first bytes, None for anything else."""
    for kind, signatures in PHOTO_SIGNATURES.items():
        if head.startswith(signatures):
            return kind
    return None


def photo_problem(*, size: int, head: bytes) -> str | None:
    if photo_kind(head) is None:
        return "La photo doit être une image JPEG ou PNG."
    if size > MAX_PHOTO_BYTES:
        return f"La photo pèse plus de {MAX_PHOTO_BYTES // (1024 * 1024)} Mo : réduisez-la."
    return None


def moment_text(moment: dt.datetime) -> str:
    """« lundi 2 mars 2026 à 9 h 30 » (already on the territory's clock)."""
    minutes = f" {moment.minute:02d}" if moment.minute else ""
    day = f"{DAYS[moment.weekday()]} {moment.day} {MONTHS[moment.month - 1]} {moment.year}"
    return f"{day} à {moment.hour} h{minutes}"


def period_text(starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    """« du lundi 2 mars 2026 à 9 h au mercredi 4 mars 2026 à 18 h »."""
    return f"du {moment_text(starts_at)} au {moment_text(ends_at)}"


def overlap_message(starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    return f"Cet objet est déjà réservé {period_text(starts_at, ends_at)}."
