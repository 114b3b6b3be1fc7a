"""Forms are validated in the core, once, with a Dutch message per field."""

from __future__ import annotations

from datetime import date

from bot.forms import FieldKind, Form, FormContext, FormField, Option, validate

FORM = Form(id="test", title="Test", submit_label="OK", fields=[
    FormField(name="titel", label="Titel", kind=FieldKind.TEXT, required=True, max_length=20),
    FormField(name="opdracht", label="Opdracht", kind=FieldKind.LONG_TEXT, max_length=50),
    FormField(name="datum", label="Datum", kind=FieldKind.DATE),
    FormField(name="niveau", label="Niveau", kind=FieldKind.CHOICE,
              options=[Option(value="lokaal", label="lokaal"),
                       Option(value="regionaal", label="regionaal")]),
    FormField(name="gemeenten", label="Gemeenten", kind=FieldKind.MULTI_CHOICE,
              options=[Option(value="1", label="Houten"), Option(value="2", label="Lopik")]),
    FormField(name="pl", label="Projectleider", kind=FieldKind.PERSOON),
    FormField(name="jaar", label="Jaar", kind=FieldKind.NUMBER, minimum=2000, maximum=2100),
])
CTX = FormContext(today=date(2026, 11, 24),
                  resolve_persoon=lambda typed: 7 if typed == "@pl-wmo" else None)


def test_a_valid_submission_is_cleaned() -> None:
    values, errors = validate(FORM, {
        "titel": "  Inkoop  ", "datum": "12 maart 2027", "niveau": "2",
        "gemeenten": ["Houten", "2", "Houten"], "pl": "@pl-wmo", "jaar": "2027",
    }, CTX)
    assert errors == {}
    assert values == {"titel": "Inkoop", "opdracht": None, "datum": date(2027, 3, 12),
                      "niveau": "regionaal", "gemeenten": ["1", "2"], "pl": 7, "jaar": 2027}


def test_every_wrong_field_gets_its_own_dutch_message() -> None:
    values, errors = validate(FORM, {
        "titel": "", "opdracht": "x" * 51, "datum": "31 februari 2027", "niveau": "landelijk",
        "gemeenten": "Houten, Utrecht", "pl": "@niemand", "jaar": "1999",
    }, CTX)
    assert errors == {
        "titel": "Titel is verplicht.",
        "opdracht": "Te lang: 51 tekens, hooguit 50.",
        "datum": "‘31 februari 2027’ bestaat niet als datum; kijk de dag en de maand na.",
        "niveau": "‘landelijk’ is geen keuze. Kies uit: lokaal, regionaal.",
        "gemeenten": "‘Utrecht’ is geen keuze. Kies uit: Houten, Lopik.",
        "pl": "Ik ken ‘@niemand’ niet in het rooster. Noem iemand met @, zoals @plo-houten.",
        "jaar": "Kies een getal van 2000 tot en met 2100.",
    }
    assert "titel" not in values


def test_optional_fields_may_stay_empty() -> None:
    values, errors = validate(FORM, {"titel": "x"}, CTX)
    assert errors == {}
    assert values["gemeenten"] == []
    assert values["datum"] is None
