"""The referral's SMS: pure GSM 7-bit, one SMS when it can, two at most (referrals/sms.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiguillage.places.models import Place
from aiguillage.referrals import rules
from aiguillage.referrals.models import Referral
from aiguillage.referrals.sms import referral_sms, short_moment, when_text
from aiguillage.sms import count, is_gsm7

PLACE = {
    "place_name": "Médiathèque Kateb Yacine",
    "street": "202 Grand'Place",
    "postcode": "38100",
    "commune": "Grenoble",
    "phone": "04 76 00 00 00",
}
TUESDAY = dt.datetime(2026, 10, 6, 14, 0)


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (TUESDAY, "mar. 6/10 à 14 h"),
        (dt.datetime(2027, 1, 24, 9, 30), "dim. 24/1 à 9 h 30"),
    ],
)
def test_the_date_is_short(moment, text):
    assert short_moment(moment) == text


def test_when_the_appointment_comes_first_then_the_hours_then_a_first_moment():
    assert when_text(appointment_at=TUESDAY, come_hours="le mardi") == "RDV mar. 6/10 à 14 h."
    assert when_text(come_hours="le mardi de 14 h à 17 h.") == "Venez le mardi de 14 h à 17 h."
    assert when_text(first_slot_at=TUESDAY) == "Ouvert par ex. mar. 6/10 dès 14 h."
    assert when_text() == ""


def test_the_sms_says_where_when_what_and_fits_one_message():
    text = referral_sms(
        first_name="Fatima",
        **PLACE,
        when=when_text(appointment_at=TUESDAY),
        bring=rules.what_to_bring(["connexion"], []),
    )
    assert text == (
        "Bonjour Fatima. Aide numérique : Médiathèque Kateb Yacine, 202 Grand'Place, "
        "38100 Grenoble. RDV mar. 6/10 à 14 h. Apportez : clé USB. Tél. 04 76 00 00 00"
    )
    assert count(text).parts == 1 and count(text).encoding == "GSM-7"


def test_letters_outside_gsm7_are_transliterated():
    text = referral_sms(
        first_name="François",
        place_name="Maison « Cœur de ville »",
        street="3 rue de l’Hôtel de Ville",
        commune="Fontaine",
        when="Venez le lundi… ou le mardi",
    )
    assert text == (
        'Bonjour Francois. Aide numérique : Maison "Coeur de ville", 3 rue de l\'Hotel de Ville, '
        "Fontaine. Venez le lundi... ou le mardi."
    )


def test_optional_parts_go_in_the_documented_order_to_fit_one_message():
    full = {
        "first_name": "Marie-Christine",
        "place_name": "Espace public numérique de la Villeneuve",
        "street": "97 galerie de l'Arlequin",
        "complement": "rez-de-chaussée, porte B",
        "postcode": "38100",
        "commune": "Grenoble",
        "when": when_text(appointment_at=TUESDAY),
        "phone": "04 76 00 00 00",
        "bring": rules.what_to_bring(["demarche"], []),
    }
    text = referral_sms(**full)
    # Dropped, in this order: the complement, the postcode, what to bring, the first name.
    assert text == (
        "Bonjour. Aide numérique : Espace public numérique de la Villeneuve, "
        "97 galerie de l'Arlequin, Grenoble. RDV mar. 6/10 à 14 h. Tél. 04 76 00 00 00"
    )
    # With a shorter place name, the first name stays.
    text = referral_sms(**full | {"place_name": "EPN Villeneuve"})
    assert text == (
        "Bonjour Marie-Christine. Aide numérique : EPN Villeneuve, 97 galerie de l'Arlequin, "
        "Grenoble. RDV mar. 6/10 à 14 h. Tél. 04 76 00 00 00"
    )
    # With room, nothing is dropped.
    text = referral_sms(**full | {"place_name": "EPN", "bring": []})
    assert "Arlequin, rez-de-chaussée, porte B, 38100 Grenoble." in text
    assert count(text).parts == 1


def test_when_one_message_cannot_hold_the_essentials_two_keep_everything():
    text = referral_sms(
        first_name="Fatima",
        place_name="Maison des solidarités et du numérique du quartier Mistral-Eaux-Claires",
        street="12 avenue Rhin et Danube, entrée par le parking",
        postcode="38100",
        commune="Grenoble",
        when=when_text(appointment_at=TUESDAY),
        phone="04 76 00 00 00",
        bring=rules.what_to_bring(["demarche"], []),
    )
    assert count(text).parts == 2
    assert "Apportez : pièce d'identité, courriers recus, identifiants." in text


def test_very_long_names_are_cut_to_two_messages():
    text = referral_sms(
        first_name="F" * 60,
        place_name="Maison des solidarités " * 10,
        street="rue " * 75,
        commune="Saint-" * 33,
        when="Venez " + "le mardi " * 22,
        phone="04 76 00 00 00",
    )
    assert count(text).parts == 2
    assert text.startswith("Bonjour. Aide numérique : Maison des solidarités")
    assert text.endswith("Tél. 04 76 00 00 00")


def _max(model, field) -> int:
    return model._meta.get_field(field).max_length


MOMENTS = st.one_of(
    st.none(), st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1))
)


@settings(max_examples=300, deadline=None)
@given(
    first_name=st.text(max_size=60),
    place_name=st.text(min_size=1, max_size=_max(Place, "nom")),
    street=st.text(max_size=_max(Place, "adresse")),
    complement=st.text(max_size=_max(Place, "complement_adresse")),
    postcode=st.text(max_size=_max(Place, "code_postal")),
    commune=st.text(max_size=_max(Place, "commune")),
    appointment=MOMENTS,
    come_hours=st.text(max_size=_max(Referral, "come_hours")),
    first_slot=MOMENTS,
    phone=st.text(max_size=_max(Place, "telephone")),
    needs=st.lists(st.sampled_from(list(rules.NEEDS)), unique=True),
)
def test_any_referral_sms_is_pure_gsm7_in_two_messages_at_most(
    first_name, place_name, street, complement, postcode, commune, appointment, come_hours,
    first_slot, phone, needs,
):  # fmt: skip
    text = referral_sms(
        first_name=first_name,
        place_name=place_name,
        street=street,
        complement=complement,
        postcode=postcode,
        commune=commune,
        when=when_text(appointment_at=appointment, come_hours=come_hours, first_slot_at=first_slot),
        phone=phone,
        bring=rules.what_to_bring(needs, ["telephone"]),
    )
    assert is_gsm7(text)
    assert count(text).parts <= 2
