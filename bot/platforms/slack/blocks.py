"""Block Kit from the core's message and form models: message blocks as checked dicts,
modals with ``slack_sdk.models``.

All user text is escaped (``&``, ``<``, ``>``) and every mrkdwn text object is
``verbatim``, so a title like ``<!channel>`` or ``@here`` is shown, never executed.

Slack refuses a whole message (``invalid_blocks``) for one element over its limits, so
every limit is kept here: 50 blocks in a message and 100 in a view (``fit``), 3,000
characters in a section's text and 2,000 in a field or a button's value. Lists are paged
by the core (``bot.paging``); ``fit`` is the last resort that cuts a message the core
did not page, and says how many lines it left out.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    DatePickerElement,
    ExternalDataSelectElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticMultiSelectElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.forms import FieldKind, Form, FormField, RawValue
from bot.messages import Button, Line, Message, Part, PersonRef, Strong
from bot.texts import t, tn

log = logging.getLogger(__name__)

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
SECTION_TEXT = 3000
FIELD_TEXT = 2000  # each of a section's fields
BUTTON_VALUE = 2000
BUTTON_PREFIX = "rb:"
FORM_CALLBACK = "rb-form"
PERSON_OPTIONS = "rb-persoon"

Mentions = Mapping[int, str]  # persoon id → Slack user id


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _part(part: Part, mentions: Mentions) -> str:
    if isinstance(part, Strong):
        return f"*{escape(part.text)}*"
    if isinstance(part, PersonRef):
        user = mentions.get(part.persoon_id)
        return f"<@{user}>" if user else escape(part.naam)
    return escape(part)


def line_text(item: Line, mentions: Mentions) -> str:
    return "".join(_part(p, mentions) for p in item.parts)


# Message blocks are built as plain dicts on the hot path: slack_sdk's model objects
# re-validate every nested object in to_dict(), which cost more than the database work
# of a card (measured in bench/slack_status.py). Tests parse every shape built here with
# slack_sdk.models and validate it, so the dicts stay what Block Kit accepts.
Dict = dict[str, Any]


def _mrkdwn(text: str, limit: int = SECTION_TEXT) -> Dict:
    return {"type": "mrkdwn", "text": text[:limit], "verbatim": True}


def _plain(text: str, limit: int) -> Dict:
    return {"type": "plain_text", "text": text[:limit], "emoji": True}


def button(item: Button, index: int) -> Dict | None:
    """The button, or None when its value would be longer than Slack takes: the core keeps
    long state server-side (``bot.paging``), so this only guards against a new mistake."""
    value = json.dumps({"a": item.action, "g": item.args}, separators=(",", ":"))
    if len(value) > BUTTON_VALUE:
        log.error("button %s left out: its value has %d characters", item.action, len(value))
        return None
    element: Dict = {"type": "button", "text": _plain(item.label, 75),
                     "action_id": f"{BUTTON_PREFIX}{index}", "value": value}
    if item.style:
        element["style"] = item.style
    return element


def decode_button(value: str) -> tuple[str, dict[str, str]]:
    data = json.loads(value)
    return str(data["a"]), {str(k): str(v) for k, v in dict(data.get("g", {})).items()}


def _chunks(lines: list[str]) -> list[str]:
    """Join lines into texts that each fit one section block."""
    chunks: list[str] = []
    current = ""
    for text in lines:
        candidate = f"{current}\n{text}" if current else text
        if len(candidate) > SECTION_TEXT and current:
            chunks.append(current)
            candidate = text
        current = candidate
    if current:
        chunks.append(current)
    return chunks


def _sections(texts: list[str]) -> list[Dict]:
    return [{"type": "section", "text": _mrkdwn(text)} for text in _chunks(texts)]


def _actions(buttons: list[Button], counter: Iterator[int]) -> list[Dict]:
    """Buttons as actions blocks of at most 25 elements each."""
    elements = [e for e in (button(b, next(counter)) for b in buttons) if e is not None]
    return [{"type": "actions", "elements": elements[start:start + 25]}
            for start in range(0, len(elements), 25)]


def message_blocks(message: Message, mentions: Mentions) -> list[Dict]:
    blocks: list[Dict] = []
    counter = iter(range(10_000))
    if message.heading:
        blocks.append({"type": "header", "text": _plain(message.heading, 150)})
    for section in message.sections:
        pending: list[str] = [f"*{escape(section.title)}*"] if section.title else []
        bullet = "• " if section.title else ""
        for item in section.lines:
            text = bullet + line_text(item, mentions)
            if item.button is None:
                pending.append(text)
                continue
            accessory = button(item.button, next(counter))
            if accessory is None:
                pending.append(text)
                continue
            blocks += _sections(pending)
            pending = []
            blocks.append({"type": "section", "text": _mrkdwn(text), "accessory": accessory})
        blocks += _sections(pending)
        facts = [_mrkdwn(f"*{escape(f.label)}*\n" + "".join(_part(p, mentions) for p in f.value),
                         FIELD_TEXT) for f in section.facts]
        for start in range(0, len(facts), 10):
            blocks.append({"type": "section", "fields": facts[start:start + 10]})
        blocks += _actions(section.buttons, counter)  # a bundled message's own buttons
    blocks += _actions(message.buttons, counter)
    if message.context:
        blocks.append({"type": "context", "elements": [
            _mrkdwn(escape(c)) for c in message.context[:10]]})
    return blocks


def whole(message: Message) -> bool:
    """Whether ``message`` fits one Slack message without ``fit`` cutting it (a bundle
    that would not is split before it is sent)."""
    return len(message_blocks(message, {})) <= MESSAGE_BLOCKS


def fits(blocks: list[Any], limit: int = MESSAGE_BLOCKS) -> list[Any]:
    """Blocks that must all be there (a modal's fields): too many is a mistake."""
    if len(blocks) > limit:
        raise ValueError(f"{len(blocks)} blocks; Slack takes at most {limit}")
    return blocks


def fit(blocks: list[Dict], limit: int = MESSAGE_BLOCKS) -> list[Dict]:
    """At most ``limit`` blocks: the first ones, a line that says how many lines were left
    out, and the closing buttons and context (a Meer button must stay)."""
    if len(blocks) <= limit:
        return blocks
    tail = len(blocks)
    while tail > 0 and blocks[tail - 1]["type"] in ("actions", "context") \
            and len(blocks) - tail < 3:
        tail -= 1
    room = limit - 1 - (len(blocks) - tail)
    left_out = sum(_lines(b) for b in blocks[room:tail])
    log.warning("message of %d blocks cut to %d", len(blocks), limit)
    note = {"type": "context", "elements": [_mrkdwn(escape(tn("paging.rest.regel",
                                                              left_out)))]}
    return [*blocks[:room], note, *blocks[tail:]]


def _lines(block: Dict) -> int:
    if "fields" in block:
        return len(block["fields"])
    if block["type"] == "section":
        return str(block["text"]["text"]).count("\n") + 1
    return 0


def fallback_text(message: Message) -> str:
    """The notification text (``text`` beside ``blocks``): escaped like the blocks."""
    first = message.heading or next(
        (ln.plain for s in message.sections for ln in s.lines), t("slack.title"))
    return escape(first)[:300]


def payload(message: Message, mentions: Mentions) -> dict[str, Any]:
    return {"blocks": fit(message_blocks(message, mentions)), "text": fallback_text(message)}


# --- forms as modals ---------------------------------------------------------------------


def _option(value: str, label: str) -> Option:
    return Option(value=value, label=label[:75])


def _element(form_field: FormField) -> Any:
    initial = form_field.initial if isinstance(form_field.initial, str) else None
    match form_field.kind:
        case FieldKind.LONG_TEXT:
            return PlainTextInputElement(action_id="v", multiline=True, initial_value=initial,
                                         max_length=min(form_field.max_length, 3000))
        case FieldKind.DATE:
            valid = initial if initial and _is_iso_date(initial) else None
            return DatePickerElement(action_id="v", initial_date=valid)
        case FieldKind.CHOICE:
            options = [_option(o.value, o.label) for o in form_field.options]
            chosen = next((o for o in options if o.value == initial), None)
            return StaticSelectElement(action_id="v", options=options, initial_option=chosen)
        case FieldKind.MULTI_CHOICE:
            options = [_option(o.value, o.label) for o in form_field.options]
            initial_values = form_field.initial if isinstance(form_field.initial, list) else []
            several = [o for o in options if o.value in initial_values]
            return StaticMultiSelectElement(action_id="v", options=options,
                                            initial_options=several or None)
        case FieldKind.PERSOON:
            picked = next((_option(o.value, o.label) for o in form_field.options
                           if o.value == initial), None)
            return ExternalDataSelectElement(action_id=PERSON_OPTIONS, min_query_length=1,
                                             initial_option=picked)
        case _:
            return PlainTextInputElement(action_id="v", initial_value=initial,
                                         max_length=form_field.max_length)


def _is_iso_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def warned(form: Form, day_off: Mapping[str, str]) -> Form:
    """``form`` with each day-off warning as the hint of its date, saying how to keep it."""
    keep = t("slack.form.vrij", knop=form.submit_label)
    return form.model_copy(update={"fields": [
        f.model_copy(update={"hint": f"⚠️ {day_off[f.name]} {keep}"}) if f.name in day_off
        else f for f in form.fields]})


def modal(form: Form, metadata: dict[str, Any]) -> View:
    blocks = [InputBlock(block_id=f.name, label=PlainTextObject(text=f.label[:2000]),
                         element=_element(f), optional=not f.required,
                         hint=PlainTextObject(text=f.hint) if f.hint else None)
              for f in form.fields]
    return View(type="modal", callback_id=FORM_CALLBACK,
                title=PlainTextObject(text=form.title[:24]),
                submit=PlainTextObject(text=form.submit_label[:24]),
                close=PlainTextObject(text=t("slack.cancel")),
                private_metadata=json.dumps(metadata, separators=(",", ":")),
                blocks=fits(blocks, VIEW_BLOCKS))


def submitted_values(state: Mapping[str, Any]) -> dict[str, RawValue]:
    """A view_submission's ``state.values`` as the raw values the core validates."""
    values: dict[str, RawValue] = {}
    for block_id, actions in state.items():
        for element in actions.values():
            kind = element.get("type")
            if kind == "datepicker":
                values[block_id] = element.get("selected_date")
            elif kind in ("static_select", "external_select"):
                selected = element.get("selected_option")
                values[block_id] = selected["value"] if selected else None
            elif kind == "multi_static_select":
                values[block_id] = [o["value"] for o in element.get("selected_options") or []]
            else:
                values[block_id] = element.get("value")
    return values


def notice_view(reply: Any) -> View:
    """A modal that says why a submission was refused (not a field's fault)."""
    texts = [escape(ln.plain) for m in reply.messages for s in m.sections for ln in s.lines]
    return View(type="modal", title=PlainTextObject(text=t("slack.title")),
                close=PlainTextObject(text=t("slack.close")),
                blocks=[SectionBlock(text=MarkdownTextObject(text="\n".join(texts) or "–",
                                                             verbatim=True))])
