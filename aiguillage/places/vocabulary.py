"""Vocabularies of the national standard « lieux de médiation numérique » v1.0.2.

Every enumeration below carries the exact values of the standard (schema.json,
multi-valued cells separated by ``|``). Our own additions, for what the seeds
need and the standard lacks, live in ``EXTRA_SERVICES`` and are never exported
under a standard column.
"""

from __future__ import annotations

STANDARD_VERSION = "v1.0.2"
MULTI_VALUE_SEPARATOR = "|"

# Column order of the v1.0.2 CSV: every column must be present, in this order.
STANDARD_FIELDS: tuple[str, ...] = (
    "id",
    "pivot",
    "nom",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "complement_adresse",
    "latitude",
    "longitude",
    "typologie",
    "telephone",
    "courriels",
    "site_web",
    "horaires",
    "presentation_resume",
    "presentation_detail",
    "source",
    "itinerance",
    "structure_parente",
    "date_maj",
    "services",
    "publics_specifiquement_adresses",
    "prise_en_charge_specifique",
    "frais_a_charge",
    "dispositif_programmes_nationaux",
    "formations_labels",
    "autres_formations_labels",
    "modalites_acces",
    "modalites_accompagnement",
    "fiche_acces_libre",
    "prise_rdv",
)

# Columns that hold several values separated by "|".
MULTI_VALUED_FIELDS: frozenset[str] = frozenset(
    {
        "typologie",
        "courriels",
        "site_web",
        "itinerance",
        "services",
        "publics_specifiquement_adresses",
        "prise_en_charge_specifique",
        "frais_a_charge",
        "dispositif_programmes_nationaux",
        "formations_labels",
        "modalites_acces",
        "modalites_accompagnement",
    }
)

SERVICES: tuple[str, ...] = (
    "Aide aux démarches administratives",
    "Maîtrise des outils numériques du quotidien",
    "Insertion professionnelle via le numérique",
    "Utilisation sécurisée du numérique",
    "Parentalité et éducation avec le numérique",
    "Loisirs et créations numériques",
    "Compréhension du monde numérique",
    "Accès internet et matériel informatique",
    "Acquisition de matériel informatique à prix solidaire",
)

PUBLICS_SPECIFIQUEMENT_ADRESSES: tuple[str, ...] = (
    "Jeunes",
    "Étudiants",
    "Familles et/ou enfants",
    "Seniors",
    "Femmes",
)

PRISE_EN_CHARGE_SPECIFIQUE: tuple[str, ...] = (
    "Surdité",
    "Handicaps moteurs",
    "Handicaps mentaux",
    "Illettrisme",
    "Langues étrangères (anglais)",
    "Langues étrangères (autres)",
    "Déficience visuelle",
)

FRAIS_A_CHARGE: tuple[str, ...] = ("Gratuit", "Gratuit sous condition", "Payant")

ITINERANCE: tuple[str, ...] = ("Itinérant", "Fixe")

DISPOSITIF_PROGRAMMES_NATIONAUX: tuple[str, ...] = (
    "Aidants Connect",
    "Bibliothèques numérique de référence",
    "Certification PIX",
    "Conseillers numériques",
    "Emmaüs Connect",
    "France Services",
    "Grande école du numérique",
    "La Croix Rouge",
    "Point d'accès numérique CAF",
    "Promeneurs du net",
    "Relais numérique (Emmaüs Connect)",
)

# The schema's regex spells "Étapes numériques(La Poste)" without the space that
# its documentation uses; we store the documented spelling and accept both.
FORMATIONS_LABELS: tuple[str, ...] = (
    "Formé à « Mon Espace Santé »",
    "Formé à « DUPLEX » (illettrisme)",
    "Arnia/MedNum BFC (Bourgogne-Franche-Comté)",
    "Collectif ressources et acteurs réemploi (Normandie)",
    "Étapes numériques (La Poste)",
    "Fabriques de Territoire",
    "Les Éclaireurs du numérique (Drôme)",
    "Mes Papiers (Métropole de Lyon)",
    "ORDI 3.0",
    "SUD LABS (PACA)",
)
FORMATIONS_LABELS_ALIASES: dict[str, str] = {
    "Étapes numériques(La Poste)": "Étapes numériques (La Poste)",
}

MODALITES_ACCES: tuple[str, ...] = (
    "Se présenter",
    "Téléphoner",
    "Contacter par mail",
    "Prendre un RDV en ligne",
    "Ce lieu n'accueille pas de public",
    "Envoyer un mail avec une fiche de prescription",
)

MODALITES_ACCOMPAGNEMENT: tuple[str, ...] = (
    "En autonomie",
    "Accompagnement individuel",
    "Dans un atelier collectif",
    "À distance",
)

# data·inclusion v0 "typologies de structures" codes, as the standard uses them,
# plus the four codes only the ANCT library knows.
TYPOLOGIES: dict[str, str] = {
    "ACI": "Structures porteuses d'ateliers et chantiers d'insertion (ACI)",
    "ACIPHC": "SIAE — Atelier chantier d'insertion premières heures en chantier",
    "AFPA": "Agence nationale pour la formation professionnelle des adultes (AFPA)",
    "AI": "Associations intermédiaires (AI)",
    "ASE": "Aide sociale à l'enfance (ASE)",
    "ASSO": "Associations",
    "ASSO_CHOMEUR": "Associations de chômeurs",
    "AVIP": "Crèche À Vocation d'Insertion Professionnelle (AVIP)",
    "Autre": "Autre",
    "BIB": "Bibliothèque / Médiathèque",
    "CAARUD": (
        "CAARUD - Centre d'accueil et d'accompagnement à la réduction de risques "
        "pour usagers de drogues"
    ),
    "CADA": "Centres d'accueil de demandeurs d'asile (CADA)",
    "CAF": "Caisses d'allocation familiale (CAF)",
    "CAP_EMPLOI": "Cap Emploi",
    "CAVA": "Centres d'adaptation à la vie active (CAVA)",
    "CC": "Communautés de Commune",
    "CCAS": "Centres communaux d'action sociale (CCAS)",
    "CCONS": "Chambres consulaires (CCI, CMA, CA)",
    "CD": "Conseils Départementaux (CD)",
    "CDAS": "Centre Départementale d'Action Sociale (CDAS)",
    "CFP": "Centre des Finances Publiques (CFP)",
    "CHRS": "Centres d'hébergement et de réinsertion sociale (CHRS)",
    "CHU": "Centres d'hébergement d'urgence (CHU)",
    "CIAS": "Centres intercommunaux d'action sociale (CIAS)",
    "CIDFF": "Centres d'information sur les droits des femmes et des familles (CIDFF)",
    "CITMET": "Cité des métiers",
    "CMP": "Centre Médico-Psychologique (CMP)",
    "CMS": "Centre Médico-Social (CMS)",
    "CPAM": "Caisse Primaire d'Assurance Maladie (CPAM)",
    "CPH": "Centres provisoires d'hébergement (CPH)",
    "CS": "Centre social",
    "CSAPA": "CSAPA - Centre de soins, d'accompagnement et de prévention en addictologie",
    "CSC": "Centre Socio-Culturel (CSC)",
    "DEETS": "Directions de l'Economie, de l'Emploi, du Travail et des Solidarités (DEETS)",
    "DEPT": "Services sociaux du Conseil départemental",
    "DIPLP": "Délégation interministérielles à la prévention et à la lutte contre la pauvreté",
    "E2C": "E2C - École de la 2e chance",
    "EA": "Entreprise adaptée (EA)",
    "EATT": "Entreprise Adaptée (EATT)",
    "EI": "Entreprises d'insertion (EI)",
    "EITI": "Entreprises d'insertion par le travail indépendant (EITI)",
    "ENM": "Espace Numérique Mobile (ENM)",
    "EPCI": "Intercommunalité (EPCI)",
    "EPI": "Espace Public Internet (EPI)",
    "EPIDE": "EPIDE - Établissement pour l'insertion dans l'emploi",
    "EPN": "Espace Public Numérique (EPN)",
    "ES": "Épicerie Solidaire",
    "ESAT": "Établissement et service d'aide par le travail (ESAT)",
    "ESS": "Entreprise de l'Économie Sociale et Solidaire",
    "ETABL_PRI": "Établissement privé",
    "ETABL_PUB": "Établissement public",
    "ETAT": "Service de l'État",
    "ETTI": "Entreprises de travail temporaire d'insertion (ETTI)",
    "EVS": "Espace de Vie Sociale (EVS)",
    "FABLAB": "Fablab / Atelier partagé",
    "FABRIQUE": "Fabrique de territoire",
    "FAIS": "Fédérations d'acteurs de l'insertion et de la solidarité",
    "FT": "France Travail",
    "GEIQ": "Groupements d'employeurs pour l'insertion et la qualification (GEIQ)",
    "HUDA": "HUDA - Hébergement d'urgence pour demandeurs d'asile",
    "LA_POSTE": "Bureau de poste / Agence postale",
    "MDA": "Maison Départementale de l'Autonomie",
    "MDE": "Maison de l'emploi",
    "MDEF": "Maison de l'emploi et de la formation",
    "MDH": "Maison des Habitants",
    "MDPH": "Maison Départementale des Personnes Handicapées",
    "MDS": "Maison Départementale des Solidarités",
    "MJC": "Maison des jeunes et de la culture",
    "ML": "Mission Locale",
    "MQ": "Maison de quartier",
    "MSA": "Mutualité Sociale Agricole",
    "MSAP": "Maison de Services Au Public (MSAP)",
    "MUNI": "Municipalités",
    "OACAS": "Structures agréées Organisme d'accueil communautaire et d'activité solidaire (OACAS)",
    "ODC": "Organisation délégataire d'un CD",
    "OF": "Organisme de formations",
    "OIL": "Opérateur d'intermédiation locative",
    "OPCS": "Organisation porteuse de la clause sociale",
    "PAD": "Point d'Accès au Droit",
    "PENSION": "Pension de famille / résidence accueil",
    "PI": "Point Information (PI)",
    "PIJ_BIJ": "Points et bureaux information jeunesse (PIJ/BIJ)",
    "PIMMS": "Point Information Médiation Multi Services (PIMMS)",
    "PJJ": "Protection judiciaire de la jeunesse (PJJ)",
    "PLIE": "Plans locaux pour l'insertion et l'emploi (PLIE)",
    "PREF": "Préfecture, Sous-Préfecture",
    "PREVENTION": "Service ou club de prévention",
    "REG": "Région",
    "RELAIS_LECTURE": "Relais lecture",
    "RESSOURCERIE": "Ressourcerie",
    "RFS": "Réseau France Services",
    "RS_FJT": "Résidence sociale / FJT - Foyer de Jeunes Travailleurs",
    "SCP": "Services et clubs de prévention",
    "SPIP": "Services pénitentiaires d'insertion et de probation (SPIP)",
    "TIERS_LIEUX": "Tiers lieu & coworking",
    "UDAF": "Union Départementale d'Aide aux Familles (UDAF)",
}

# What the seeds need and the standard lacks. Codes are stable identifiers
# (URLs, API); labels are what people read.
EXTRA_SERVICES: dict[str, str] = {
    "wifi": "Wifi public gratuit",
    "ordinateurs": "Ordinateurs en libre accès",
    "impression": "Impression et numérisation",
    "reparation": "Réparation de matériel",
    "pret": "Prêt de matériel",
}

# Needs as the national map groups them, plus our extra services under
# "Accès" and "Matériel". Keys are the short codes used in URLs and the API.
SERVICE_CODES: dict[str, str] = {
    "demarches": "Aide aux démarches administratives",
    "quotidien": "Maîtrise des outils numériques du quotidien",
    "insertion": "Insertion professionnelle via le numérique",
    "securite": "Utilisation sécurisée du numérique",
    "parentalite": "Parentalité et éducation avec le numérique",
    "loisirs": "Loisirs et créations numériques",
    "comprehension": "Compréhension du monde numérique",
    "acces": "Accès internet et matériel informatique",
    "materiel": "Acquisition de matériel informatique à prix solidaire",
    **EXTRA_SERVICES,
}

SERVICE_GROUPS: dict[str, tuple[str, ...]] = {
    "Démarches": ("demarches", "insertion"),
    "Apprendre": ("quotidien", "securite", "parentalite", "loisirs", "comprehension"),
    "Matériel": ("materiel", "reparation", "pret"),
    "Accès": ("acces", "wifi", "ordinateurs", "impression"),
}

# Languages a place can help in, as ISO 639-1 codes with French names.
LANGUAGES: dict[str, str] = {
    "fr": "français",
    "en": "anglais",
    "ar": "arabe",
    "es": "espagnol",
    "it": "italien",
    "pt": "portugais",
    "de": "allemand",
    "tr": "turc",
    "ru": "russe",
    "uk": "ukrainien",
    "ro": "roumain",
    "fa": "persan (dari, farsi)",
    "ps": "pachto",
    "ti": "tigrigna",
    "so": "somali",
    "wo": "wolof",
    "zh": "chinois",
    "sq": "albanais",
    "hy": "arménien",
    "lsf": "langue des signes française",
}
