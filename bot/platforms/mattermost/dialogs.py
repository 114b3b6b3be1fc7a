"""The core's forms as Mattermost interactive dialogs, and a submission back as the raw
values the core validates (once, for every platform).

Dialogs know text, textarea and select; a date is typed (the core reads ``12 maart``
as well as ``2027-03-12``), several choices are typed comma-separated, and a person is
picked from the regio's roster (wethouders are often not on the server). Mattermost
caps a label at 24 characters: a longer one is shortened and said in full as help.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.forms import FieldKind, Form, FormField, RawValue
from bot.texts import t

LABEL = 24
HELP = 150
TEXT = 150
TEXTAREA = 3000


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _initial(form_field: FormField) -> str:
    if isinstance(form_field.initial, list):
        return ", ".join(form_field.initial)
    return form_field.initial or ""


def element(form_field: FormField, people: list[tuple[str, str]]) -> dict[str, Any]:
    helps = [form_field.label] if len(form_field.label) > LABEL else []
    base: dict[str, Any] = {"display_name": _shorten(form_field.label, LABEL),
                            "name": form_field.name, "optional": not form_field.required}
    match form_field.kind:
        case FieldKind.LONG_TEXT:
            base |= {"type": "textarea", "max_length": min(form_field.max_length, TEXTAREA)}
        case FieldKind.CHOICE:
            base |= {"type": "select", "options": [
                {"text": o.label, "value": o.value} for o in form_field.options]}
        case FieldKind.PERSOON:
            base |= {"type": "select", "options": [
                {"text": label, "value": value} for value, label in people]}
        case FieldKind.MULTI_CHOICE:
            base |= {"type": "textarea", "max_length": TEXTAREA}
            helps.append(t("mattermost.dialog.multi", choices=", ".join(
                o.label for o in form_field.options)))
        case FieldKind.DATE:
            base |= {"type": "text", "max_length": 40,
                     "placeholder": t("mattermost.dialog.date_placeholder")}
        case FieldKind.NUMBER:
            base |= {"type": "text", "subtype": "number", "max_length": 12}
        case _:
            base |= {"type": "text", "max_length": min(form_field.max_length, TEXT)}
    if form_field.hint:
        helps.append(form_field.hint)
    if helps:
        base["help_text"] = _shorten(". ".join(helps), HELP)
    if initial := _initial(form_field):
        base["default"] = initial
    return base


def dialog(form: Form, state: str, people: list[tuple[str, str]]) -> dict[str, Any]:
    """The dialog of ``form``; ``state`` (sealed) comes back with the submission."""
    return {"callback_id": form.id, "title": _shorten(form.title, LABEL),
            "submit_label": form.submit_label, "notify_on_cancel": False, "state": state,
            "elements": [element(f, people) for f in form.fields]}


def submitted(submission: Mapping[str, Any]) -> dict[str, RawValue]:
    """A dialog's ``submission`` as raw values: an empty optional field is None."""
    values: dict[str, RawValue] = {}
    for name, value in submission.items():
        if value is None or value == "":
            values[name] = None
        elif isinstance(value, bool):
            values[name] = "ja" if value else "nee"
        else:
            values[name] = str(value)
    return values
