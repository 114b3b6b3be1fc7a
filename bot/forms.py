"""The platform-neutral form model: Slack modals, Mattermost dialogs and console prompts
all render these, and validation happens here, once, with a Dutch error per field."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from bot.amounts import parse_amount
from bot.dates import DateError, parse_date
from bot.grammar import SURE_WORDS
from bot.texts import t


class FieldKind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    DATE = "date"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    PERSOON = "persoon"
    NUMBER = "number"
    AMOUNT = "amount"


class Option(BaseModel):
    value: str
    label: str


class FormField(BaseModel):
    name: str
    label: str
    kind: FieldKind
    required: bool = False
    options: list[Option] = Field(default_factory=list)
    hint: str | None = None
    max_length: int = 200
    minimum: int | None = None
    maximum: int | None = None
    initial: str | list[str] | None = None
    # A date that should be a working day (a milestone, a meeting): one on a day off is
    # warned about, and kept only when confirmed (bot.dayoff.form_warnings).
    working_day: bool = False


class Form(BaseModel):
    id: str
    title: str
    submit_label: str
    fields: list[FormField]
    # What the submission acts on (e.g. an opgave code and its versie), kept by the adapter.
    args: dict[str, str] = Field(default_factory=dict)

    def field(self, name: str) -> FormField:
        return next(f for f in self.fields if f.name == name)


@dataclass
class FormContext:
    today: date
    # Turns what someone typed or picked for a persoon field into a persoon id, or None.
    resolve_persoon: Callable[[str], int | None]


RawValue = str | list[str] | None


def _as_list(raw: RawValue) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, list):
        return [v.strip() for v in raw if v and v.strip()]
    return [v.strip() for v in raw.split(",") if v.strip()]


def _option_value(form_field: FormField, typed: str) -> str | None:
    """An option by its value, its label, or its number in the list (console)."""
    lowered = typed.strip().lower()
    for index, option in enumerate(form_field.options, start=1):
        if lowered in (option.value.lower(), option.label.lower(), str(index)):
            return option.value
    return None


def _clean(form_field: FormField, raw: RawValue, ctx: FormContext) -> Any:
    """The field's value, or raise ValueError with the Dutch message for that field."""
    kind = form_field.kind
    if kind is FieldKind.MULTI_CHOICE:
        values = []
        for typed in _as_list(raw):
            value = _option_value(form_field, typed)
            if value is None:
                raise ValueError(t("form.bad_choice", word=typed, choices=_labels(form_field)))
            values.append(value)
        return list(dict.fromkeys(values))
    text = raw if isinstance(raw, str) else (raw[0] if raw else "")
    text = text.strip()
    if not text:
        return None
    if kind in (FieldKind.TEXT, FieldKind.LONG_TEXT):
        if len(text) > form_field.max_length:
            raise ValueError(t("form.too_long", max=form_field.max_length, length=len(text)))
        return text
    if kind is FieldKind.DATE:
        if form_field.working_day:
            text = _unsure(text)
        try:
            found = parse_date(text, ctx.today)
        except DateError as error:
            raise ValueError(error.text()) from None
        if found is None:
            raise ValueError(t("form.bad_date", word=text, year=ctx.today.year))
        return found
    if kind is FieldKind.NUMBER:
        if not text.lstrip("-").isdigit():
            raise ValueError(t("form.bad_number", word=text))
        number = int(text)
        low, high = form_field.minimum, form_field.maximum
        if (low is not None and number < low) or (high is not None and number > high):
            raise ValueError(t("form.out_of_range", low=low, high=high))
        return number
    if kind is FieldKind.AMOUNT:
        amount = parse_amount(text)
        if amount is None:
            raise ValueError(t("change.bad_amount", word=text))
        return amount
    if kind is FieldKind.CHOICE:
        value = _option_value(form_field, text)
        if value is None:
            raise ValueError(t("form.bad_choice", word=text, choices=_labels(form_field)))
        return value
    persoon_id = ctx.resolve_persoon(text)
    if persoon_id is None:
        raise ValueError(t("form.bad_persoon", word=text))
    return persoon_id


def _sure_word(text: str) -> bool:
    first, _, rest = text.strip().partition(" ")
    return first.lower() in SURE_WORDS and bool(rest.strip())


def _unsure(text: str) -> str:
    """``toch 1 mei`` without its ``toch``: the date a typed form confirms on a day off."""
    return text.strip().partition(" ")[2].strip() if _sure_word(text) else text


def confirmed(form: Form, raw: Mapping[str, RawValue]) -> set[str]:
    """The working-day fields typed with "toch" before their date, as a typed command
    confirms a day off (Mattermost dialogs and the console have a text field for it)."""
    return {f.name for f in form.fields
            if f.working_day and isinstance(value := raw.get(f.name), str) and _sure_word(value)}


def _labels(form_field: FormField) -> str:
    return ", ".join(option.label for option in form_field.options)


def validate(
    form: Form, raw: Mapping[str, RawValue], ctx: FormContext
) -> tuple[dict[str, Any], dict[str, str]]:
    """Clean every field; return the values and, per field name, what was wrong."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for form_field in form.fields:
        try:
            value = _clean(form_field, raw.get(form_field.name), ctx)
        except ValueError as problem:
            errors[form_field.name] = str(problem)
            continue
        if form_field.required and value in (None, []):
            errors[form_field.name] = t("form.required", label=form_field.label)
            continue
        values[form_field.name] = value
    return values, errors
