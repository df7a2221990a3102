"""Public read-only JSON API, version 1 (django-ninja; OpenAPI at /api/v1/openapi.json).

Bad parameters get 400 with a JSON body that says, in French, which one and why; an unknown
place gets 404, another method than GET 405, in the same JSON shape. 400 and 404 are declared
in the schema (``ErrorOut``); tests/api/test_schemathesis.py checks every operation against it.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from typing import Annotated

from django.http import HttpRequest
from django.urls import path, reverse
from ninja import NinjaAPI, Query, Schema
from ninja.errors import HttpError, ValidationError
from pydantic import Field, WithJsonSchema

from aiguillage.api.docs import OwnSwagger, docs_text_view
from aiguillage.places import hours, vocabulary
from aiguillage.places.models import Place
from aiguillage.places.rules import SUPPORT_CODES
from aiguillage.places.search import PARIS, SearchQuery, search_places
from aiguillage.territories.models import Territory
from aiguillage.workshops.models import Session

api = NinjaAPI(
    title="Aiguillage — API publique des lieux d'aide numérique",
    version="1.0.0",
    description=(
        "Lieux d'aide numérique d'un territoire (schéma national des lieux de médiation "
        "numérique v1.0.2 et compléments), triés par distance, avec leurs horaires ; "
        "séances d'ateliers publiées à venir (/ateliers)."
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    # Swagger UI from our static files (the CDN is blocked by our CSP), and a text version.
    docs=OwnSwagger(),
)


# Pydantic's messages are in English; the API answers in French. Unlisted kinds get a plain
# "Valeur invalide." rather than an English sentence.
_VALIDATION_MESSAGES = {
    "missing": "Paramètre obligatoire.",
    "bool_parsing": "Attendu : true ou false.",
    "bool_type": "Attendu : true ou false.",
    "int_parsing": "Attendu : un nombre entier.",
    "int_type": "Attendu : un nombre entier.",
    "int_from_float": "Attendu : un nombre entier.",
    "float_parsing": "Attendu : un nombre.",
    "float_type": "Attendu : un nombre.",
    "finite_number": "Attendu : un nombre fini.",
    "greater_than_equal": "Attendu : au moins {ge}.",
    "less_than_equal": "Attendu : au plus {le}.",
    "string_too_long": "Attendu : au plus {max_length} caractères.",
    "string_type": "Attendu : un texte.",
    "string_pattern_mismatch": "Format attendu : {pattern}.",
    "datetime_parsing": "Attendu : une date et heure ISO 8601 (2026-11-23T10:00:00+01:00).",
    "datetime_from_date_parsing": (
        "Attendu : une date et heure ISO 8601 (2026-11-23T10:00:00+01:00)."
    ),
    "datetime_type": "Attendu : une date et heure ISO 8601 (2026-11-23T10:00:00+01:00).",
    "uuid_parsing": "Attendu : un identifiant UUID.",
    "uuid_type": "Attendu : un identifiant UUID.",
    "list_type": "Attendu : une liste de valeurs.",
}


def _french_message(error: dict) -> str:
    template = _VALIDATION_MESSAGES.get(error.get("type", ""), "Valeur invalide.")
    try:
        return template.format(**error.get("ctx", {}))
    except (KeyError, IndexError, ValueError):
        return "Valeur invalide."


@api.exception_handler(ValidationError)
def _bad_parameters(request: HttpRequest, exc: ValidationError):
    details = [
        {
            "parametre": ".".join(str(p) for p in error.get("loc", [])[1:]),
            "message": _french_message(error),
        }
        for error in exc.errors
    ]
    return api.create_response(
        request, {"erreur": "Paramètres invalides.", "details": details}, status=400
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError):
    return api.create_response(request, {"erreur": str(exc)}, status=exc.status_code)


class ErrorDetailOut(Schema):
    parametre: str = Field(description="Nom du paramètre refusé")
    message: str = Field(description="Pourquoi, en français")


# The body of every 4xx answer of this API (declared for 400 and 404 in the schema).
class ErrorOut(Schema):
    erreur: str = Field(description="Ce qui ne va pas, en français")
    details: list[ErrorDetailOut] | None = Field(
        None, description="Pour des paramètres mal formés : chacun avec son problème"
    )


# "ouvert_a" bounds: opening-hours arithmetic (local time, 14 days ahead) overflows near the
# years 1 and 9999, and no search needs an instant that far.
EARLIEST_INSTANT = dt.datetime(1900, 1, 1, tzinfo=PARIS)
LATEST_INSTANT = dt.datetime(3000, 1, 1, tzinfo=PARIS)


def _one_of(codes) -> WithJsonSchema:
    """Documents a code parameter's values. The view checks them (with a French 400) and also
    accepts comma-separated lists, so this enum is documentation, not validation."""
    return WithJsonSchema({"type": "string", "enum": list(codes)})


class PlacesFilter(Schema):
    latitude: float | None = Field(
        None, ge=-90, le=90, description="Latitude WGS84 du point de recherche", examples=[45.19]
    )
    longitude: float | None = Field(
        None, ge=-180, le=180, description="Longitude WGS84", examples=[5.72]
    )
    services: list[Annotated[str, _one_of(vocabulary.SERVICE_CODES)]] = Field(
        default_factory=list,
        description="Codes des besoins (au moins un) : " + ", ".join(vocabulary.SERVICE_CODES),
    )
    ouvert_a: dt.datetime | None = Field(
        None,
        description=(
            "Ouvert à cet instant (ISO 8601 ; sans fuseau : heure de Paris), "
            f"entre {EARLIEST_INSTANT.year} et {LATEST_INSTANT.year - 1}"
        ),
        examples=["2026-11-23T10:00:00+01:00"],
    )
    langues: list[Annotated[str, _one_of(vocabulary.LANGUAGES)]] = Field(
        default_factory=list, description="Codes ISO des langues parlées (au moins une)"
    )
    prise_en_charge: list[Annotated[str, _one_of(SUPPORT_CODES)]] = Field(
        default_factory=list,
        description="Prises en charge spécifiques (toutes) : " + ", ".join(SUPPORT_CODES),
    )
    disponibilites: str | None = Field(
        None,
        max_length=500,
        description=(
            "Disponibilités de la personne au format OpenStreetMap opening_hours, par exemple "
            "« Sa 09:00-12:00; Tu,Th 17:30-19:00 ». Un lieu convient quand ses horaires "
            "croisent ces disponibilités au moins une fois dans les 14 jours à venir (à partir "
            "de « ouvert_a » s'il est donné) ; chaque résultat indique le premier créneau commun."
        ),
        examples=["Sa 09:00-12:00; Tu,Th 17:30-19:00"],
    )
    gratuit: bool = False
    rdv_en_ligne: bool = False
    # Nine digits, checked before the database sees it (PostgreSQL refuses a NUL character).
    territoire: str | None = Field(
        None, pattern=r"^[0-9]{9}$", description="SIREN du territoire", examples=["200040715"]
    )
    limit: int = Field(20, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10_000)


class SlotOut(Schema):
    debut: dt.datetime
    fin: dt.datetime


class PlaceOut(Schema):
    id: uuid.UUID
    nom: str
    adresse: str
    complement_adresse: str
    code_postal: str
    commune: str
    code_insee: str
    latitude: float | None
    longitude: float | None
    telephone: str
    courriels: list[str]
    site_web: list[str]
    horaires: str
    services: list[str]
    services_complementaires: list[str]
    langues: list[str]
    frais_a_charge: list[str]
    modalites_acces: list[str]
    modalites_accompagnement: list[str]
    prise_en_charge_specifique: list[str]
    publics_specifiquement_adresses: list[str]
    prise_rdv: str
    date_maj: dt.date
    url: str
    distance_m: int | None = None
    ouvert: bool | None = Field(None, description="Ouvert à l'instant demandé (ou maintenant)")
    premier_creneau_commun: SlotOut | None = Field(
        None,
        description="Avec « disponibilites » : le premier créneau où le lieu est ouvert et la "
        "personne disponible (heure locale du territoire)",
    )


class PlacesPage(Schema):
    count: int
    instant: dt.datetime
    results: list[PlaceOut]


def _place_out(
    request: HttpRequest,
    place: Place,
    distance: float | None,
    is_open: bool | None,
    slot: tuple[dt.datetime, dt.datetime] | None = None,
) -> dict:
    return {
        "id": place.public_id,
        "nom": place.nom,
        "adresse": place.adresse,
        "complement_adresse": place.complement_adresse,
        "code_postal": place.code_postal,
        "commune": place.commune,
        "code_insee": place.code_insee,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "telephone": place.telephone,
        "courriels": place.courriels,
        "site_web": place.site_web,
        "horaires": place.horaires,
        "services": place.services,
        "services_complementaires": place.extra_services,
        "langues": place.languages,
        "frais_a_charge": place.frais_a_charge,
        "modalites_acces": place.modalites_acces,
        "modalites_accompagnement": place.modalites_accompagnement,
        "prise_en_charge_specifique": place.prise_en_charge_specifique,
        "publics_specifiquement_adresses": place.publics_specifiquement_adresses,
        "prise_rdv": place.prise_rdv,
        "date_maj": place.date_maj,
        "url": request.build_absolute_uri(reverse("places:place_detail", args=[place.public_id])),
        "distance_m": None if distance is None else round(distance),
        "ouvert": is_open,
        "premier_creneau_commun": None if slot is None else {"debut": slot[0], "fin": slot[1]},
    }


def _check_codes(name: str, values: list[str], allowed) -> list[str]:
    # Accept repeated parameters and comma-separated lists alike.
    flat = [part for value in values for part in value.split(",") if part]
    unknown = [value for value in flat if value not in allowed]
    if unknown:
        raise HttpError(400, f"Valeur inconnue pour « {name} » : {', '.join(unknown)}.")
    return flat


@api.get(
    "/lieux",
    response={200: PlacesPage, 400: ErrorOut},
    summary="Lieux d'aide numérique, les plus proches d'abord",
    openapi_extra={
        "responses": {
            400: {
                "description": "Paramètre mal formé, hors limites ou inconnu (code de besoin, "
                "de langue ou de prise en charge, territoire, disponibilités illisibles)"
            }
        }
    },
)
def list_places(request: HttpRequest, filters: Query[PlacesFilter]):
    if (filters.latitude is None) != (filters.longitude is None):
        raise HttpError(400, "Donnez latitude et longitude ensemble.")
    services = _check_codes("services", filters.services, vocabulary.SERVICE_CODES)
    languages = _check_codes("langues", filters.langues, vocabulary.LANGUAGES)
    supports = [
        SUPPORT_CODES[c]
        for c in _check_codes("prise_en_charge", filters.prise_en_charge, SUPPORT_CODES)
    ]
    territory = None
    if filters.territoire:
        territory = Territory.objects.filter(siren=filters.territoire).first()
        if territory is None:
            raise HttpError(400, f"Territoire inconnu : {filters.territoire}.")
    instant = filters.ouvert_a
    if instant is not None and instant.tzinfo is None:
        instant = instant.replace(tzinfo=PARIS)
    if instant is not None and not EARLIEST_INSTANT <= instant < LATEST_INSTANT:
        raise HttpError(
            400,
            f"Valeur hors limites pour « ouvert_a » : donnez un instant entre "
            f"{EARLIEST_INSTANT.year} et {LATEST_INSTANT.year - 1}.",
        )
    availability = (filters.disponibilites or "").strip()
    if availability:
        problem = hours.validate_opening_hours(availability)
        if problem:
            raise HttpError(400, f"Valeur illisible pour « disponibilites » : {problem}")
    query = SearchQuery(
        latitude=filters.latitude,
        longitude=filters.longitude,
        services=services,
        languages=languages,
        supports=supports,
        free=filters.gratuit,
        online_booking=filters.rdv_en_ligne,
        open_at=instant,
        availability=availability,
        territory=territory,
        limit=filters.limit,
        offset=filters.offset,
    )
    now = instant or dt.datetime.now(tz=PARIS)
    results = search_places(query, now=now)
    return {
        "count": len(results),
        "instant": now,
        "results": [
            _place_out(request, r.place, r.distance_m, r.is_open, r.first_slot) for r in results
        ],
    }


@api.get(
    "/lieux/{public_id}",
    response={200: PlaceOut, 400: ErrorOut, 404: ErrorOut},
    summary="Un lieu",
    openapi_extra={
        "responses": {
            400: {"description": "L'identifiant n'est pas un UUID"},
            404: {"description": "Aucun lieu publié n'a cet identifiant"},
        }
    },
)
def get_place(request: HttpRequest, public_id: uuid.UUID):
    place = Place.objects.published().filter(public_id=public_id).first()
    if place is None:
        raise HttpError(404, "Lieu introuvable.")
    is_open = (
        hours.is_open_at(place.horaires, dt.datetime.now(tz=PARIS)) if place.horaires else None
    )
    return _place_out(request, place, None, is_open)


# --- Workshops ---------------------------------------------------------------------------


class SessionsFilter(Schema):
    territoire: str | None = Field(
        None, pattern=r"^[0-9]{9}$", description="SIREN du territoire", examples=["200040715"]
    )
    commune: str | None = Field(
        None,
        pattern=r"^[0-9][0-9AB][0-9]{3}$",
        description="Code INSEE de la commune du lieu",
        examples=["38185"],
    )
    jours: int = Field(7, ge=1, le=90, description="Séances qui commencent dans ce nombre de jours")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10_000)


class SessionPlaceOut(Schema):
    id: uuid.UUID
    nom: str
    adresse: str
    commune: str


class SessionOut(Schema):
    id: uuid.UUID
    titre: str
    type: str = Field(description="Type d'atelier, en clair")
    type_code: str
    debut: dt.datetime
    fin: dt.datetime
    structure: str
    lieu: SessionPlaceOut | None
    gratuit: bool
    cycle: bool = Field(description="Séance d'un cycle : on s'inscrit pour tout le cycle")


class SessionsPage(Schema):
    count: int
    results: list[SessionOut]


@api.get(
    "/ateliers",
    response={200: SessionsPage, 400: ErrorOut},
    summary="Séances d'ateliers numériques publiées à venir, les plus proches dans le temps "
    "d'abord",
    openapi_extra={
        "responses": {400: {"description": "Paramètre mal formé ou territoire inconnu"}}
    },
)
def list_sessions(request: HttpRequest, filters: Query[SessionsFilter]):
    now = dt.datetime.now(tz=PARIS)
    sessions = Session.objects.published().upcoming(now)
    if filters.territoire:
        territory = Territory.objects.filter(siren=filters.territoire).first()
        if territory is None:
            raise HttpError(400, f"Territoire inconnu : {filters.territoire}.")
        sessions = sessions.in_territory(territory)
    if filters.commune:
        sessions = sessions.in_commune(filters.commune)
    sessions = sessions.filter(starts_at__lt=now + dt.timedelta(days=filters.jours))
    page = sessions.select_related("place", "kind", "organisation")[
        filters.offset : filters.offset + filters.limit
    ]
    return {
        "count": len(page),
        "results": [
            {
                "id": session.public_id,
                "titre": session.title,
                "type": session.kind.label,
                "type_code": session.kind.code,
                "debut": session.starts_at,
                "fin": session.ends_at,
                "structure": session.organisation.name,
                "lieu": (
                    {
                        "id": session.place.public_id,
                        "nom": session.place.nom,
                        "adresse": session.place.adresse,
                        "commune": session.place.commune,
                    }
                    if session.place
                    else None
                ),
                "gratuit": session.is_free,
                "cycle": session.cycle_id is not None,
            }
            for session in page
        ],
    }


def _method_not_allowed_in_french(view):
    """ninja answers a method it does not serve with a plain-text 405: answer in JSON, in French."""

    @functools.wraps(view)  # keeps csrf_exempt, which ninja sets
    def answer(request: HttpRequest, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code != 405:
            return response
        allowed = response.get("Allow", "GET")
        french = api.create_response(
            request,
            {"erreur": f"Méthode non autorisée : cette adresse ne répond qu'à {allowed}."},
            status=405,
        )
        french["Allow"] = allowed
        return french

    return answer


def public_urls():
    """The API's URL patterns, opted out of the login requirement: this API is open data."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback = _method_not_allowed_in_french(pattern.callback)
        pattern.callback.login_required = False
    patterns.append(path("docs/texte", docs_text_view(api), name="docs-text"))
    return patterns, app_name, namespace
