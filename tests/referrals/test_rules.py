"""Pure rules, table-driven: needs, reasons, what to bring, masked statistics (the SMS:
test_sms.py)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from aiguillage.referrals import rules

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("needs", "services", "expected"),
    [
        (["demarche"], [], ["demarches", "insertion"]),
        (["connexion"], ["wifi"], ["acces", "wifi", "ordinateurs", "impression"]),
        ([], ["pret", "inconnu"], ["pret"]),
        (["appareil", "apprendre"], [], ["quotidien", "reparation", "securite", "comprehension"]),
    ],
)
def test_needs_become_service_codes(needs, services, expected):
    assert rules.services_for(needs, services) == expected


@pytest.mark.parametrize(
    ("languages", "expected"),
    [([], []), (["fr", "ar"], []), (["ar", "ti"], ["ar", "ti"]), (["xx"], [])],
)
def test_languages_filter_only_when_french_will_not_do(languages, expected):
    assert rules.language_filter(languages) == expected


PLACE = rules.PlaceFacts(
    services=frozenset({"demarches", "wifi"}),
    modes=("En autonomie", "Accompagnement individuel"),
    languages=("fr", "ar"),
    supports=frozenset({"surdite"}),
    is_free=True,
)


def test_reasons_read_like_the_issue_s_example():
    wish = rules.Wish(services=("demarches", "insertion"), languages=("fr", "ar"))
    reasons = rules.match_reasons(
        PLACE, wish, slot_text="mardi 24 novembre, 14 h – 17 h", distance_m=1_204
    )
    assert reasons == [
        "ouvert mardi 24 novembre, 14 h – 17 h",
        "accompagnement individuel",
        "aide aux démarches administratives",
        "parle arabe",
        "gratuit",
        "à 1,2 km",
    ]


@pytest.mark.parametrize(
    ("pathway", "expected_mode"),
    [("autonomie", "en autonomie"), ("assistance", "accompagnement individuel")],
)
def test_the_pathway_chooses_the_accompaniment_mentioned(pathway, expected_mode):
    wish = rules.Wish(services=("wifi",), pathway=pathway, supports=("surdite",))
    reasons = rules.match_reasons(PLACE, wish, slot_text="", distance_m=None)
    assert reasons[0] == expected_mode
    assert "accompagnement adapté : surdité" in reasons


def test_mismatches_of_a_place_chosen_beforehand():
    wish = rules.Wish(
        services=("materiel",),
        languages=("ti",),
        supports=("illettrisme",),
        max_distance_m=2_000,
        has_availability=True,
    )
    problems = rules.mismatches(PLACE, wish, has_slot=False, distance_m=5_400)
    assert problems == [
        "ce lieu ne déclare pas ce service",
        "fermé quand la personne est disponible (dans les 14 jours)",
        "l'équipe ne déclare pas parler les langues de la personne",
        "ne déclare pas d'accompagnement adapté (difficultés à lire ou écrire)",
        "à 5,4 km, plus loin que ce que la personne peut",
    ]
    fitting = rules.Wish(services=("demarches",), languages=("fr",))
    assert rules.mismatches(PLACE, fitting, has_slot=True, distance_m=300) == []


@pytest.mark.parametrize(
    ("needs", "devices", "first"),
    [
        (["demarche"], [], "une pièce d'identité"),
        (["appareil"], ["telephone"], "votre téléphone, tablette ou ordinateur, chargé"),
        (["appareil"], ["aucun"], None),
        (["equipement"], [], "un justificatif de ressources"),
    ],
)
def test_what_to_bring(needs, devices, first):
    items = rules.what_to_bring(needs, devices)
    if first is None:
        assert items == []
    else:
        assert items[0].startswith(first)


@pytest.mark.parametrize(("count", "shown"), [(0, "0"), (1, "< 5"), (4, "< 5"), (5, "5")])
def test_small_counts_are_masked(count, shown):
    assert rules.masked(count) == shown


@pytest.mark.parametrize(
    ("accepted", "sent", "shown"),
    [
        (6, 10, "60 %"),
        (0, 10, "0 %"),
        (10, 10, "100 %"),
        (3, 10, "—"),
        (8, 10, "80 %"),
        (2, 4, "—"),
    ],
)
def test_rates_are_hidden_when_a_count_behind_them_is_hidden(accepted, sent, shown):
    month = rules.MonthRow("2026-11", sent=sent, accepted=accepted)
    tables = rules.displayed_tables([month], [])
    assert tables.months[0][1][5] == shown


def test_median_delay_needs_five_answers():
    hours = [dt.timedelta(hours=h) for h in (2, 10, 24, 48, 96)]
    assert rules.median_delay_days(hours) == "1,0 jour"
    assert rules.median_delay_days(hours[:4]) == "—"
    assert rules.median_delay_days([dt.timedelta(days=3)] * 5) == "3,0 jours"


def _fact(month, accepted=False, came=False, delay=None, sender="Action sociale"):
    return rules.ReferralFacts(
        month=month,
        sender_kind=sender,
        receiver_kind="Médiation numérique",
        was_accepted=accepted,
        was_declined=False,
        person_came=came,
        expired=False,
        answer_delay=delay,
    )


def test_monthly_rows_and_flows():
    facts = [_fact("2026-10", accepted=True, came=True)] * 6 + [_fact("2026-11")] * 2
    facts += [_fact("2026-11", sender="Bibliothèque / médiathèque")]
    months = rules.monthly_rows(facts)
    assert [(m.month, m.sent, m.accepted, m.came) for m in months] == [
        ("2026-10", 6, 6, 6),
        ("2026-11", 3, 0, 0),
    ]
    shown = dict(rules.displayed_tables(months, rules.flow_rows(facts)).months)
    # November's 3 would be the total minus October: October is hidden with it.
    assert shown["2026-10"][:2] == ["(masqué)", "6"]
    assert shown["2026-11"][:2] == ["< 5", "0"]
    total = rules.total_row(months)
    assert (total.sent, total.accepted) == (9, 6)
    assert rules.flow_rows(facts) == [
        ("Action sociale", "Médiation numérique", 8),
        ("Bibliothèque / médiathèque", "Médiation numérique", 1),
    ]


def test_unmet_needs_are_counted_by_label():
    rows = rules.unmet_rows([["equipement", "pret"], ["equipement"], ["wifi"]])
    assert rows == [
        ("S'équiper en matériel", 2),
        ("Prêt de matériel", 1),
        ("Wifi public gratuit", 1),
    ]
    assert rules.unmet_by_commune(["Grenoble", None, "Grenoble"]) == [
        ("Grenoble", 2),
        ("commune non indiquée", 1),
    ]


def test_a_need_reads_in_plain_french():
    lines = dict(
        rules.need_lines(
            {
                "needs": ["demarche"],
                "procedure_domain": "argent_impots",
                "procedure_name": "Déclaration de revenus",
                "procedure_deadline": dt.date(2026, 12, 15),
                "devices": ["telephone"],
                "connection": "telephone",
                "availability": "Tu,Th 14:00-18:00",
                "languages": ["ar"],
                "supports": ["illettrisme"],
                "max_distance_km": 2,
                "pathway": "acces_accompagne",
            }
        )
    )
    assert lines["Démarche"] == "Argent - Impôts : Déclaration de revenus"
    assert lines["À faire avant le"] == "15/12/2026"
    assert lines["Disponible"] == "le mardi et le jeudi : 14 h – 18 h"
    assert lines["Accompagnement adapté"] == "difficultés à lire ou écrire"
    assert lines["Se déplace jusqu'à"] == "2 km"
    assert rules.availability_lines("") == ["n'importe quand"]


def test_moments_and_phones_as_people_read_them():
    moment = dt.datetime(2026, 11, 24, 14, 30, tzinfo=PARIS)
    assert rules.moment_text(moment) == "le mardi 24 novembre à 14 h 30"
    assert rules.slot_start_text(moment) == "le mardi 24 novembre à partir de 14 h 30"
    assert rules.phone_display("+33476000000") == "04 76 00 00 00"
    assert rules.phone_display("3939") == "3939"


TODAY = dt.date(2026, 12, 5)


@pytest.mark.parametrize(
    ("flags", "services", "languages", "completed_on", "expected"),
    [
        ([], ["demarches"], ["fr"], TODAY, {"needs": ["demarche"], "procedure_deadline": None}),
        # Each service becomes the first need that lists it.
        ([], ["quotidien", "wifi"], [], TODAY, {"needs": ["appareil", "connexion"]}),
        (
            ["demarche_urgente"],
            [],
            ["fr"],
            TODAY - dt.timedelta(days=3),
            {"needs": ["demarche"], "procedure_deadline": dt.date(2026, 12, 17)},
        ),
        # An urgent procedure screened 16 days ago: its date has passed, the sender says.
        (["demarche_urgente"], [], [], TODAY - dt.timedelta(days=16), {"procedure_deadline": None}),
        (["appareil_emprunte"], [], [], TODAY, {"needs": ["equipement"], "devices": []}),
        (["sans_appareil"], [], [], TODAY, {"devices": ["aucun"], "connection": ""}),
        (["sans_connexion"], [], [], TODAY, {"needs": ["connexion"], "connection": "non"}),
        (["lire_ecrire"], [], [], TODAY, {"reading": True, "languages": ["fr"]}),
        (["langue"], [], ["fr", "ti", "ar"], TODAY, {"languages": ["ti", "ar"]}),
        (["langue"], [], ["fr"], TODAY, {"languages": ["fr"]}),
        ([], [], ["fr", "ar"], TODAY, {"languages": ["fr", "ar"], "reading": False}),
    ],
)
def test_the_need_form_starts_from_the_assessment(
    flags, services, languages, completed_on, expected
):
    initial = rules.need_from_assessment(
        flags=flags,
        pathway="assistance",
        services=services,
        languages=languages,
        completed_on=completed_on,
        today=TODAY,
    )
    assert {key: initial[key] for key in expected} == expected


def test_an_unknown_pathway_is_left_blank():
    initial = rules.need_from_assessment(
        flags=[], pathway="autre", services=[], languages=[], completed_on=TODAY, today=TODAY
    )
    assert initial["pathway"] == ""
