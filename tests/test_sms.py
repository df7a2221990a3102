"""GSM 7-bit: transliteration, septets, parts (aiguillage/sms.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiguillage import sms


@pytest.mark.parametrize(
    ("text", "gsm"),
    [
        ("ça, garçon", "ca, garcon"),  # « ç » is not in the alphabet, « Ç » is
        ("Ça", "Ça"),
        ("fête, île, hôtel, sûr, Noël, maïs, âge", "fete, ile, hotel, sur, Noel, mais, age"),
        ("été, très, où, à", "été, très, où, à"),  # in the alphabet: kept
        ("« oui »", '"oui"'),
        ("«\u00a0oui\u202f»", '"oui"'),
        ("l’été", "l'été"),
        ("attendez…", "attendez..."),
        ("14\u202fh", "14 h"),
        ("cœur", "coeur"),
        ("Élise, Ève", "Élise, Eve"),  # « É » is in the alphabet, « È » is not
        ("5 €", "5 €"),
        ("☎ 04", " 04"),  # nothing plain inside: dropped
    ],
)
def test_text_is_written_in_gsm7(text, gsm):
    assert sms.to_gsm7(text) == gsm
    assert sms.is_gsm7(sms.to_gsm7(text))


def test_extension_characters_count_two_septets():
    assert sms.septets("5 €") == 4
    assert sms.septets("[a]") == 5


@pytest.mark.parametrize(
    ("text", "encoding", "characters", "parts"),
    [
        ("a" * 160, "GSM-7", 160, 1),
        ("a" * 161, "GSM-7", 161, 2),
        ("a" * 306, "GSM-7", 306, 2),
        ("a" * 307, "GSM-7", 307, 3),
        # An escape and its character never straddle two parts.
        ("a" * 152 + "€" + "a" * 152, "GSM-7", 306, 3),
        ("ç" * 70, "UCS-2", 70, 1),
        ("ç" * 71, "UCS-2", 71, 2),
        ("Le garçon" + "a" * 130, "UCS-2", 139, 3),
    ],
)
def test_count(text, encoding, characters, parts):
    assert sms.count(text) == sms.SmsCount(encoding, characters, parts)


def test_the_count_reads_as_a_sender_expects():
    assert str(sms.count("Bonjour.")) == "1 SMS, 8 caractères"
    assert str(sms.count("a")) == "1 SMS, 1 caractère"


def test_clip_cuts_on_septets_and_says_so():
    assert sms.clip("Maison   des  solidarités", 40) == "Maison des solidarités"
    assert sms.clip("Maison des solidarités", 12) == "Maison de..."
    assert sms.septets(sms.clip("€" * 50, 20)) <= 20


@given(st.text(max_size=300))
def test_any_text_becomes_pure_gsm7(text):
    assert sms.is_gsm7(sms.to_gsm7(text))
