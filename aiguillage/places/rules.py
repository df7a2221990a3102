"""Pure calculations on places: search masks, distances. No ORM here."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from aiguillage.places import vocabulary

SERVICE_BITS: dict[str, int] = {code: 1 << i for i, code in enumerate(vocabulary.SERVICE_CODES)}
SERVICE_CODE_BY_LABEL: dict[str, str] = {
    label: code for code, label in vocabulary.SERVICE_CODES.items()
}
SUPPORT_BITS: dict[str, int] = {
    label: 1 << i for i, label in enumerate(vocabulary.PRISE_EN_CHARGE_SPECIFIQUE)
}
LANGUAGE_BITS: dict[str, int] = {code: 1 << i for i, code in enumerate(vocabulary.LANGUAGES)}

# Short codes for the specific supports, used in URLs and the API.
SUPPORT_CODES: dict[str, str] = {
    "surdite": "Surdité",
    "handicap-moteur": "Handicaps moteurs",
    "handicap-mental": "Handicaps mentaux",
    "illettrisme": "Illettrisme",
    "anglais": "Langues étrangères (anglais)",
    "autres-langues": "Langues étrangères (autres)",
    "deficience-visuelle": "Déficience visuelle",
}

EARTH_RADIUS_M = 6_371_008.8


def service_mask(codes: Iterable[str]) -> int:
    """Bit mask of service codes (standard services by code and our extra services)."""
    mask = 0
    for code in codes:
        mask |= SERVICE_BITS.get(code, 0)
    return mask


def support_mask(labels: Iterable[str]) -> int:
    mask = 0
    for label in labels:
        mask |= SUPPORT_BITS.get(label, 0)
    return mask


def language_mask(codes: Iterable[str]) -> int:
    mask = 0
    for code in codes:
        mask |= LANGUAGE_BITS.get(code, 0)
    return mask


def derive_search_fields(values: Mapping[str, object]) -> dict[str, object]:
    """The denormalised search columns of a place, from its standard and extra fields."""
    services = list(values.get("services") or [])
    extras = list(values.get("extra_services") or [])
    codes = [SERVICE_CODE_BY_LABEL[s] for s in services if s in SERVICE_CODE_BY_LABEL] + extras
    frais = list(values.get("frais_a_charge") or [])
    access = list(values.get("modalites_acces") or [])
    return {
        "service_mask": service_mask(codes),
        "support_mask": support_mask(values.get("prise_en_charge_specifique") or []),
        "language_mask": language_mask(values.get("languages") or []),
        # "Gratuit sous condition" counts as free: the condition is shown on the place page.
        "is_free": "Gratuit" in frais or "Gratuit sous condition" in frais,
        "has_online_booking": bool(values.get("prise_rdv")) or "Prendre un RDV en ligne" in access,
    }


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(south, west, north, east) of a box containing the circle of ``radius_m`` around a point."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    cos_lat = max(math.cos(math.radians(lat)), 1e-6)
    dlon = math.degrees(radius_m / (EARTH_RADIUS_M * cos_lat))
    return lat - dlat, lon - dlon, lat + dlat, lon + dlon


def format_distance(metres: float | None) -> str:
    """« 350 m », « 1,2 km », « 12 km » as people read them."""
    if metres is None:
        return ""
    if metres < 950:
        return f"{int(round(metres, -1))} m"
    km = metres / 1000
    if km < 10:
        return f"{km:.1f} km".replace(".", ",")
    return f"{round(km)} km"
