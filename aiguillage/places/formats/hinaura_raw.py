"""Raw export of the Hinaura regional survey form (Auvergne-Rhône-Alpes, 2021-2022, JSON).

Each record is one answer to the form: its keys are the French questions, multiple-choice
answers come as one text per question (« Gratuit,"Agrée Pass Numérique (APTIC ou autres)" ») and
hours as free text per weekday. The Hinaura map export (``standard_v0``, source « hinaura »)
was derived from the same answers; this reader keeps the source apart (« hinaura-formulaire »)
so both can be imported and the duplicate detection merges them.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from functools import lru_cache

from aiguillage.places.formats.common import (
    RESUME_MAX_LENGTH,
    RowCheck,
    fold,
    one_line,
    split_address,
    text,
)
from aiguillage.places.formats.files import LoadedFile
from aiguillage.places.formats.free_hours import read_week
from aiguillage.places.formats.hours import FRENCH_DAYS
from aiguillage.places.formats.records import PlaceRecord
from aiguillage.places.formats.standard_v0 import (
    ACCES,
    COMPREHENSION,
    DEMARCHES,
    INDIVIDUEL,
    INSERTION,
    LOISIRS,
    MATERIEL,
    PARENTALITE,
    QUOTIDIEN,
    Target,
    apply_mapped,
)

CODE = "hinaura-formulaire"
LABEL = "Hinaura, réponses brutes au formulaire régional (JSON)"
SOURCE = "hinaura-formulaire"
REQUIRED_COLUMNS = ()
NAME = "Nom du lieu ou de la structure *"
ADDRESS = "Adresse postale *"
EMAIL = (
    "Email (éviter les emails nominatifs - en cas d'email nominitatif seule la personne "
    "concernée est autorisé à l'ajouter)"
)
DESCRIPTION = (
    "Informations diverses (précisions sur votre structure, vos services, vos partenaires...)"
)
ADVISERS = "Accueille un ou des Conseillers Numériques France Services"
PUBLICS = "Publics accueillis"
SIGNATURE_KEYS = frozenset({NAME, ADDRESS, "bf_latitude", "Lundi"})
DAY_COLUMNS = tuple(day.capitalize() for day in FRENCH_DAYS)

SECURITE = "Utilisation sécurisée du numérique"
COLLECTIF = "Dans un atelier collectif"
WALK_IN = ("modalites_acces", "Se présenter")
DEMARCHES_T: tuple[Target, ...] = (("services", DEMARCHES),)
QUOTIDIEN_T: tuple[Target, ...] = (("services", QUOTIDIEN),)

# Every option of each multiple-choice question and the v1 values it means. An option with
# no target is known but has no v1 equivalent. Questions left out (operator type) say
# nothing the standard stores.
QUESTIONS: dict[str, dict[str, tuple[Target, ...]]] = {
    "Type de lieu": {
        "Médiathèque": (("typologie", "BIB"),),
        "Maison France Services": (
            ("typologie", "RFS"), ("dispositif_programmes_nationaux", "France Services"),
        ),
        "Maison de Services au Public": (("typologie", "MSAP"),),
        "Espace Public Numérique": (("typologie", "EPN"),),
        # Cyber-bases were a national network of public digital spaces.
        "Cyberbase / Cybercentre": (("typologie", "EPN"),),
        "Centre socio-culturel": (("typologie", "CSC"),),
        "Structure associative de quartier": (("typologie", "ASSO"),),
        "Association caritative": (("typologie", "ASSO"),),
        "Tiers-Lieux": (("typologie", "TIERS_LIEUX"),),
        "Espace de coworking": (("typologie", "TIERS_LIEUX"),),
        "Fablab / Hackerspace": (("typologie", "FABLAB"),),
        "CCAS": (("typologie", "CCAS"),),
        "BIJ/PIJ (Information Jeunesse)": (("typologie", "PIJ_BIJ"),),
        "Ressourcerie (matériel moindre coût / recyclé)": (
            ("typologie", "RESSOURCERIE"), ("services", MATERIEL),
        ),
        "Promeneurs du net": (("dispositif_programmes_nationaux", "Promeneurs du net"),),
        "Autres": (),
    },
    # "Adultes" means everyone: see _publics.
    PUBLICS: {
        "Adultes": (),
        "Seniors": (("publics_specifiquement_adresses", "Seniors"),),
        "Jeunesse (11-26 ans)": (("publics_specifiquement_adresses", "Jeunes"),),
        "Enfance / Parentalité (3-10 ans)": (
            ("publics_specifiquement_adresses", "Familles et/ou enfants"),
        ),
        "Petite enfance / Parentalité (0-3 ans)": (
            ("publics_specifiquement_adresses", "Familles et/ou enfants"),
        ),
    },
    "Accueil pour les personnes en situation de handicap": {
        # Step-free access is what "Handicaps moteurs" asks of a place.
        "Accès Personnes à Mobilité Réduite": (
            ("prise_en_charge_specifique", "Handicaps moteurs"),
        ),
        "Handicap Mental": (("prise_en_charge_specifique", "Handicaps mentaux"),),
        "Surdité": (("prise_en_charge_specifique", "Surdité"),),
        "Cécité et déficience visuelle": (("prise_en_charge_specifique", "Déficience visuelle"),),
    },
    "Accompagnement de publics spécifiques": {
        "Personnes en insertion": (),
        "Personnes en situation d'illettrisme": (("prise_en_charge_specifique", "Illettrisme"),),
        # As the v0 "Public langues étrangères": people who do not (yet) speak French.
        "Personnes avec des problématiques linguistiques": (
            ("prise_en_charge_specifique", "Langues étrangères (autres)"),
        ),
        "Langue étrangère (anglais)": (
            ("prise_en_charge_specifique", "Langues étrangères (anglais)"), ("languages", "en"),
        ),
        "Langue étrangère (autres langues)": (
            ("prise_en_charge_specifique", "Langues étrangères (autres)"),
        ),
    },
    "Tarifs": {
        "Gratuit": (("frais_a_charge", "Gratuit"),),
        "Gratuit sous condition": (("frais_a_charge", "Gratuit sous condition"),),
        "Payant": (("frais_a_charge", "Payant"),),
        "Adhésion": (("frais_a_charge", "Payant"),),  # a membership is a fee (as in v0)
        # The Pass numérique is a voucher: free for whoever holds one (as in v0).
        "Agrée Pass Numérique (APTIC ou autres)": (("frais_a_charge", "Gratuit sous condition"),),
        # A reduced price is still a price.
        "Solidaire (tarif réduit adapté à la situation sociale/familiale, ou convention avec un "
        "organisme solidaire)": (("frais_a_charge", "Payant"),),
    },
    "À disposition": {
        "Accès libre à du matériel informatique": (
            ("services", ACCES), ("extra_services", "ordinateurs"),
        ),
        "Réseau Wifi": (("services", ACCES), ("extra_services", "wifi")),
        "Imprimante (service gratuit)": (("extra_services", "impression"),),
        "Imprimante (service payant)": (("extra_services", "impression"),),
    },
    "Types d'accompagnement proposés": {
        "Accompagnement individuel sur rendez-vous": (("modalites_accompagnement", INDIVIDUEL),),
        "Accompagnement individuel sans rendez-vous": (
            ("modalites_accompagnement", INDIVIDUEL), WALK_IN,
        ),
        "Accompagnement en groupe sur inscription": (("modalites_accompagnement", COLLECTIF),),
        "Accompagnement en groupe sans inscription": (
            ("modalites_accompagnement", COLLECTIF), WALK_IN,
        ),
        "Accès libre avec un accompagnement": (
            ("modalites_accompagnement", "En autonomie"), ("services", ACCES), WALK_IN,
        ),
        "Impression": (("extra_services", "impression"),),
        # Doing a procedure for someone; like v0's "A ma place", we do not claim the
        # Aidants Connect label, which the option merges with it.
        "Faire à la place de / habilité Aidants Connect": (
            ("services", DEMARCHES), ("modalites_accompagnement", INDIVIDUEL),
        ),
        "Achat équipement à bas coût": (("services", MATERIEL),),
        "Atelier de réparation de matériel informatique": (("extra_services", "reparation"),),
    },
    "Accompagnements proposés aux démarches en ligne": {
        option: DEMARCHES_T
        for option in (
            "Autres démarches en ligne", "Accompagnement CAF (caf.fr)",
            "Accompagnement Pôle Emploi (pole-emploi.fr)", "Accompagnement CPAM (ameli.fr)",
            "Accompagnement impôts (impots.gouv.fr)", "Accompagnement CARSAT",
            "Accompagnement demande de logement social",
            "Accompagnement prise de RDV en préfecture",
        )
    },
    "Formations compétences de base proposées": {
        **{
            option: QUOTIDIEN_T
            for option in (
                "Rechercher des informations sur Internet", "Naviguer sur des sites web",
                "Créer et gérer une adresse mail", "Écrire un document", "Gérer ses documents",
                "Découvrir l'ordinateur et son environnement",
                "Découvrir la tablette et son environnement",
                "Découvrir le smartphone et son environnement", "Découvrir les périphériques",
                "Faire un diagnostic des compétences numériques",
            )
        },
        "Gérer ses données numériques (mots de passe..)": (
            ("services", QUOTIDIEN), ("services", SECURITE),
        ),
    },
    "Comprendre et Utiliser les sites d’accès aux droits proposées": {
        option: DEMARCHES_T
        for option in (
            "Comprendre et utiliser France Connect",
            "Comprendre et utiliser les services de la Caf (caf.fr)",
            "Comprendre et utiliser les services de la CPAM (Ameli.fr)",
            "Comprendre et utiliser les services des Impôts (impots.gouv.fr)",
            "Comprendre et utiliser les services de Pôle Emploi (pole-emploi.fr)",
            "Comprendre et utiliser les services de CARSAT",
            "Faire sa demande de logement social",
        )
    },
    "Sensibilisations culture numérique": {
        "Sensibilisation à la gestion de son identité numérique": (("services", SECURITE),),
        "Sensibilisation Vie privée": (("services", SECURITE),),
        "Sensibilisation Cultures numériques": (("services", COMPREHENSION),),
        "Éducation aux Médias et à l'Information": (("services", COMPREHENSION),),
        "Utiliser le numérique pour la recherche d'emploi (CV, plateformes professionnelles...)": (
            ("services", INSERTION),
        ),
        "Utiliser le numérique à des fins créatives et récréatives": (("services", LOISIRS),),
        "Sensibilisation : La parentalité à l'ère du numérique": (("services", PARENTALITE),),
        "Sensibilisation : Connaître les pratiques et les usages des jeunes": (
            ("services", PARENTALITE),
        ),
        "Comprendre et utiliser un Espace Numérique de Travail (parentalité)": (
            ("services", PARENTALITE),
        ),
    },
}  # fmt: skip


# Lower case without accents for Latin letters, one character for one (positions stay valid).
_FOLD_TABLE = {
    code: unicodedata.normalize("NFKD", chr(code).lower())[0] for code in range(0x250)
} | {ord("’"): "'"}


def _fold_in_place(value: str) -> str:
    return value.translate(_FOLD_TABLE)


def _patterns(
    options: dict[str, tuple[Target, ...]],
) -> list[tuple[re.Pattern[str], tuple[Target, ...]]]:
    """Each option as a pattern over folded answers, whatever the spacing; longest first, so
    that « Gratuit sous condition » is not also read as « Gratuit »."""
    ordered = sorted(options.items(), key=lambda item: -len(item[0]))
    return [
        (re.compile(r"\s+".join(map(re.escape, _fold_in_place(option).split()))), targets)
        for option, targets in ordered
    ]


_PATTERNS = {question: _patterns(options) for question, options in QUESTIONS.items()}
_EVERYONE = re.compile(r"\badultes\b")
_TAG = re.compile(r"<[^>]*>")
_BLOCK_END = re.compile(r"<\s*/?\s*br\s*/?>|<\s*/(?:p|li|div|h\d)\s*>", re.IGNORECASE)
_LIST_ITEM = re.compile(r"<\s*li\s*>", re.IGNORECASE)
_LEFTOVER_SEPARATORS = re.compile(r'^[\s",;]+|[\s",;]+$')
_LEFTOVER_SPLIT = re.compile(r'\s*"?\s*,\s*"?\s*')
_PLACEHOLDER_URLS = frozenset({"http://", "https://", "http://www.", "https://www."})
# Answers to « Etat » that end a place's life in the form; "" and « Publié » are both live
# (the regional map showed places in either state).
_DEAD_STATES = ("ferm", "refus", "supprim", "archiv", "desactiv")


@lru_cache(maxsize=4096)
def read_answer(question: str, value: str) -> tuple[tuple[Target, ...], tuple[str, ...]]:
    """(v1 values, unknown texts) of the options ticked in one answer to ``question``.

    Cached: hundreds of places tick the same options.
    """
    cell = html.unescape(_TAG.sub(" ", value))
    folded = _fold_in_place(cell)
    found: list[Target] = []
    for pattern, targets in _PATTERNS[question]:
        for match in pattern.finditer(folded):
            found.extend(targets)
            start, end = match.span()
            folded = folded[:start] + " " * (end - start) + folded[end:]
            cell = cell[:start] + " " * (end - start) + cell[end:]
    leftover = _LEFTOVER_SEPARATORS.sub("", cell)
    unknown = tuple(one_line(part) for part in _LEFTOVER_SPLIT.split(leftover)) if leftover else ()
    return tuple(found), unknown


def source_id(raw: dict) -> str:
    """The form gives no identifier: its creation time plus name and address stand for one.

    Several places entered in one go share a creation time, and one organisation's sites share
    a name, so all four are needed; identical answers collide and are reported as duplicates.
    """
    key = "|".join(
        " ".join(text(raw.get(name)).casefold().split())
        for name in ("datetime_create", NAME, ADDRESS, "Code postal")
    )
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def convert(raw: dict, check: RowCheck, loaded: LoadedFile) -> PlaceRecord:
    state = text(raw.get("Etat"))
    if fold(state).startswith(_DEAD_STATES):
        check.error(f"fiche à l'état « {state} » dans le formulaire Hinaura")
    address = _TAG.sub("\n", text(raw.get(ADDRESS)))
    street, address_postcode, address_commune = split_address(html.unescape(address))
    latitude, longitude = check.coordinates(raw.get("bf_latitude"), raw.get("bf_longitude"))
    sites = [url for url in text(raw.get("Site Web")).split() if url not in _PLACEHOLDER_URLS]
    record = PlaceRecord(
        source=SOURCE,
        source_id=source_id(raw),
        nom=check.required("nom", html.unescape(text(raw.get(NAME)))),
        adresse=check.required("adresse", street),
        code_postal=check.postal_code(text(raw.get("Code postal")) or address_postcode),
        commune=check.required("ville", text(raw.get("Ville *")) or address_commune),
        latitude=latitude,
        longitude=longitude,
        telephone=check.phone(raw.get("Téléphone")),
        courriels=check.emails(raw.get(EMAIL)),
        site_web=check.urls("site web", html.unescape(" ".join(sites))),
        date_maj=check.update_date(text(raw.get("datetime_latest"))[:10]),
    )
    _describe(record, _plain_text(raw.get(DESCRIPTION)))
    mapped: dict[str, list[str]] = {}
    for question in QUESTIONS:
        answer = text(raw.get(question))
        if not answer:
            continue
        found, unknown = read_answer(question, answer)
        for part in unknown:
            check.warn(f"réponse inconnue « {part} » ignorée (question « {question} »)")
        # The form asked whom a place welcomes; v1 lists the publics it is reserved to, and
        # a place welcoming adults welcomes everyone.
        everyone = question == PUBLICS and _EVERYONE.search(_fold_in_place(answer))
        for field_name, target in found:
            if not (everyone and field_name == "publics_specifiquement_adresses"):
                mapped.setdefault(field_name, []).append(target)
    if fold(text(raw.get(ADVISERS))) == "oui":
        mapped.setdefault("dispositif_programmes_nationaux", []).append("Conseillers numériques")
    apply_mapped(record, mapped)
    _hours(raw, check, record)
    return record


def _hours(raw: dict, check: RowCheck, record: PlaceRecord) -> None:
    days = [text(raw.get(column)) for column in DAY_COLUMNS]
    if any("itinerance" in fold(day) for day in days):
        record.itinerance = ["Itinérant"]
    week = read_week(days)
    if week.unreadable:
        names = ", ".join(
            f"{DAY_COLUMNS[index].lower()} « {days[index]} »" for index in week.unreadable
        )
        check.warn(f"horaires en texte libre illisibles ({names}) : horaires retirés")
        # RowCheck.finish keeps this text in the description, where people can still read it.
        check.dropped_hours = " ; ".join(
            f"{column} : {day}" for column, day in zip(DAY_COLUMNS, days, strict=True) if day
        )
        return
    record.horaires = week.osm
    if week.by_appointment:
        named = ", ".join(FRENCH_DAYS[index] for index in week.by_appointment)
        note = f"Accueil sur rendez-vous : {named}."
        detail = record.presentation_detail
        record.presentation_detail = f"{detail}\n\n{note}" if detail else note


def _describe(record: PlaceRecord, description: str) -> None:
    """The form's one free text: the summary when short, else the detail with its start as the
    summary (a long answer is expected here, so this is not reported as a repair)."""
    if len(description) <= RESUME_MAX_LENGTH:
        record.presentation_resume = description
        return
    record.presentation_resume = description[: RESUME_MAX_LENGTH - 1].rstrip() + "…"
    record.presentation_detail = description


def _plain_text(value: object) -> str:
    """The description as plain text: the form stored it as HTML."""
    cell = _LIST_ITEM.sub("\n- ", _BLOCK_END.sub("\n", text(value)))
    cell = html.unescape(_TAG.sub("", cell)).replace("\u00a0", " ")
    lines = (" ".join(line.split()) for line in cell.splitlines())
    return "\n".join(line for line in lines if line).strip()
