"""Parse a slash command's text once, for every platform, from the command table.

The table (``bot.commands``) lists each command's keyword phrases (Dutch first, English
aliases after), its arguments and the text key of its summary. Parsing matches the
longest keyword phrase, then reads the arguments in order. Refusals are ``UserError``s
that name what was wrong and end with the command's usage line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from difflib import get_close_matches
from enum import StrEnum
from typing import Any

from bot.dates import (
    DateError,
    Reading,
    format_date,
    latest_occurrence,
    next_occurrence,
    range_word,
    read_date,
)
from bot.errors import UserError
from bot.texts import current_language, t
from bot.vocab import STATUS_ALIASES, STATUSES

# An opgave code as the register issues it: a theme prefix and a number that grows without
# a bound (JGD-03, JGD-10000, PERF-00042), as long as the code column holds (20).
_CODE = r"[A-Za-z]{2,6}-\d{1,13}"
CODE = re.compile(rf"^{_CODE}$")
MIJLPAAL_REF = re.compile(rf"^({_CODE})#(\d{{1,3}})$")
DILEMMA_REF = re.compile(rf"^({_CODE})#[Dd](\d{{1,3}})$")
# A mention with the account's id: Slack's as Slack sends it, a Mattermost user id (26
# lowercase characters) as the Mattermost adapter writes a typed @username it found.
SLACK_MENTION = re.compile(r"^<@([UW][A-Z0-9]+|[a-z0-9]{26})(?:\|([^>]*))?>$")
HANDLE = re.compile(r"^@([\w.\-]{1,60})$")
SHARE_WORDS = frozenset({"deel", "share"})
# A range typed without years may have begun this long ago (someone away since last
# month); a longer range whose end comes first was written the wrong way round.
RECENT = timedelta(days=183)
# Between an old date and the new one: "verplaats bpsdl 13 april naar 14 april".
MOVE_WORDS = frozenset({"naar", "to"})
# Before a date on a day off: "toch 27 april" plans it there after the warning.
SURE = "toch"
SURE_WORDS = frozenset({SURE, "anyway"})


class Kind(StrEnum):
    CODE = "code"
    MIJLPAAL = "mijlpaal"
    DILEMMA = "dilemma"
    PERSOON = "persoon"
    DATUM = "datum"
    STATUS = "status"
    KEUZE = "keuze"
    GETAL = "getal"
    WOORD = "woord"
    TEKST = "tekst"
    DOEL = "doel"


@dataclass(frozen=True)
class Arg:
    name: str
    kind: Kind
    optional: bool = False
    label: str | None = None
    choices: tuple[str, ...] = ()
    # Other words for a choice (English, abbreviations) and the choice they stand for.
    aliases: Mapping[str, str] = field(default_factory=dict)
    # A date that ends a range begun by the date argument of this name: it may follow a
    # range word ("t/m", "tot", "-") and, typed without a year, falls on or after the start.
    ends: str | None = None
    # A date that should fall on a working day: on a day off the bot warns first, unless
    # it was typed after "toch" ("toch 27 april": on Koningsdag after all).
    working_day: bool = False
    # A date that names something which may have been (closing a meeting): typed without a
    # year it is the nearer of the latest such day and the next, not always the next.
    nearest: bool = False

    @property
    def shown(self) -> str:
        label = f"<{self.label or self.name}>"
        return f"[{label}]" if self.optional else label


@dataclass(frozen=True)
class Command:
    name: str
    words: tuple[str, ...]
    summary: str
    args: tuple[Arg, ...] = ()
    aliases: tuple[str, ...] = ()
    topic: str = "register"
    writes: bool = False
    example: str | None = None

    def usage(self, root: str) -> str:
        parts = [f"/{root}", self.words[0], *(arg.shown for arg in self.args)]
        return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class Mention:
    """A person as typed: a console handle, a Slack or a Mattermost mention."""

    raw: str
    handle: str | None = None
    platform_user_id: str | None = None


@dataclass(frozen=True)
class MijlpaalRef:
    code: str
    volgnummer: int

    def __str__(self) -> str:
        return f"{self.code}#{self.volgnummer}"

    @classmethod
    def parse(cls, text: str) -> MijlpaalRef | None:
        """``JGD-03#2`` as a reference, or None (a button's argument, say)."""
        match = MIJLPAAL_REF.match(text)
        return cls(match[1], int(match[2])) if match else None


@dataclass(frozen=True)
class DilemmaRef:
    code: str
    volgnummer: int

    def __str__(self) -> str:
        return f"{self.code}#D{self.volgnummer}"


@dataclass(frozen=True)
class Target:
    """What ``status <code|zoekterm>`` points at; ``deel`` at the end shares the answer in
    the channel instead of showing it only to the asker."""

    code: str | None = None
    zoekterm: str | None = None
    share: bool = False


@dataclass
class Parsed:
    command: Command
    args: dict[str, Any] = field(default_factory=dict)
    # Where each date argument was typed (start, end in the text), so a reply can offer the
    # same command with another date; and the dates typed after "toch".
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    confirmed: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Token:
    text: str
    start: int


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(), m.start()) for m in re.finditer(r"\S+", text)]


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'“”":
        return text[1:-1].strip()
    if len(text) >= 2 and text[0] == "“" and text[-1] == "”":
        return text[1:-1].strip()
    return text


def _match_phrase(tokens: Sequence[Token], phrases: Sequence[str]) -> tuple[str, int] | None:
    """The longest of ``phrases`` (one or more words) that the tokens start with."""
    best: tuple[str, int] | None = None
    lowered = [tok.text.lower() for tok in tokens]
    for phrase in phrases:
        words = phrase.split()
        if lowered[: len(words)] == words and (best is None or len(words) > best[1]):
            best = (phrase, len(words))
    return best


class Grammar:
    def __init__(self, root: str, commands: Sequence[Command], default: str) -> None:
        self.root = root
        self.commands = tuple(commands)
        self.default = self.by_name(default)

    def by_name(self, name: str) -> Command:
        for command in self.commands:
            if command.name == name:
                return command
        raise KeyError(name)

    def _keywords(self) -> list[tuple[str, Command]]:
        return [(p, c) for c in self.commands for p in (*c.words, *c.aliases) if p]

    def parse(self, text: str, today: date) -> Parsed:
        tokens = tokenize(text)
        if not tokens:
            return Parsed(self.default)
        keywords = self._keywords()
        best: tuple[Command, int] | None = None
        for phrase, command in keywords:
            matched = _match_phrase(tokens, [phrase])
            if matched and (best is None or matched[1] > best[1]):
                best = (command, matched[1])
        if best is None:
            raise self._unknown(tokens[0].text)
        command, used = best
        reader = _ArgReader(self, command, text, tokens[used:], today)
        return Parsed(command, reader.read(), reader.spans, reader.confirmed)

    def _unknown(self, word: str) -> UserError:
        known = sorted({p.split()[0] for p, _ in self._keywords()})
        close = get_close_matches(word.lower(), known, n=1)
        hint = t("grammar.did_you_mean", suggestion=close[0]) if close else ""
        return UserError(
            t("grammar.unknown", word=word[:40], root=self.root) + hint,
            usage=f"/{self.root} help",
        )


class _ArgReader:
    def __init__(
        self, grammar: Grammar, command: Command, text: str, tokens: list[Token], today: date
    ) -> None:
        self.grammar = grammar
        self.command = command
        self.text = text
        self.tokens = tokens
        self.today = today
        self.usage = command.usage(grammar.root)
        self.values: dict[str, Any] = {}
        self.readings: dict[str, Reading] = {}
        self.spans: dict[str, tuple[int, int]] = {}
        self.confirmed: set[str] = set()

    def fail(self, key: str, **values: Any) -> UserError:
        return UserError(t(key, **values), usage=self.usage)

    def read(self) -> dict[str, Any]:
        values = self.values
        for arg in self.command.args:
            if not self.tokens:
                if not arg.optional:
                    raise self.fail("grammar.missing", what=arg.label or arg.name)
                values[arg.name] = None
                continue
            value = self._date(arg) if arg.kind is Kind.DATUM else self._read_one(arg)
            if value is None and not arg.optional:
                raise self._wrong(arg)
            values[arg.name] = value
        if self.tokens:
            rest = self.text[self.tokens[0].start :].strip()
            raise self.fail("grammar.too_much", rest=rest[:60])
        return values

    def _wrong(self, arg: Arg) -> UserError:
        word = self.tokens[0].text[:40]
        if arg.kind is Kind.KEUZE:
            return self.fail("grammar.bad_choice", word=word, choices=", ".join(arg.choices))
        if arg.kind is Kind.DATUM:
            return self.fail("grammar.bad_datum", word=word, year=self.today.year)
        return self.fail(f"grammar.bad_{arg.kind.value}", word=word)

    def _take(self, count: int = 1) -> None:
        self.tokens = self.tokens[count:]

    def _rest(self) -> str:
        rest = self.text[self.tokens[0].start :]
        self.tokens = []
        return _unquote(rest)

    def _read_one(self, arg: Arg) -> Any:
        first = self.tokens[0].text
        match arg.kind:
            case Kind.CODE:
                if CODE.match(first):
                    self._take()
                    return first.upper()
                return None
            case Kind.MIJLPAAL:
                if m := MIJLPAAL_REF.match(first):
                    self._take()
                    return MijlpaalRef(m[1].upper(), int(m[2]))
                return None
            case Kind.DILEMMA:
                if m := DILEMMA_REF.match(first):
                    self._take()
                    return DilemmaRef(m[1].upper(), int(m[2]))
                return None
            case Kind.PERSOON:
                return self._mention(first)
            case Kind.DATUM:
                return self._date(arg)
            case Kind.STATUS:
                return self._choice([*STATUSES, *STATUS_ALIASES], STATUS_ALIASES)
            case Kind.KEUZE:
                return self._choice([*arg.choices, *arg.aliases], arg.aliases)
            case Kind.GETAL:
                if first.isdigit() and len(first) < 7:
                    self._take()
                    return int(first)
                return None
            case Kind.WOORD:
                self._take()
                return first
            case Kind.TEKST:
                return self._rest() or None
            case Kind.DOEL:
                share = len(self.tokens) > 1 and self.tokens[-1].text.lower() in SHARE_WORDS
                if share:
                    self.tokens = self.tokens[:-1]
                    self.text = self.text[: self.tokens[-1].start + len(self.tokens[-1].text)]
                if len(self.tokens) == 1 and CODE.match(first):
                    self._take()
                    return Target(code=first.upper(), share=share)
                return Target(zoekterm=self._rest(), share=share)
        raise AssertionError(arg.kind)  # pragma: no cover - every kind is handled above

    def _date(self, arg: Arg) -> date | None:
        """A date; the end of a range follows its start (``21 december 8 januari`` spans
        the new year) and may follow a range word (``19 juli t/m 6 augustus``)."""
        start = self.readings.get(arg.ends) if arg.ends else None
        if start is not None and len(self.tokens) > 1:
            self._take(range_word([tok.text for tok in self.tokens[:-1]]))
        elif self.readings and len(self.tokens) > 1 and self.tokens[0].text.lower() in MOVE_WORDS:
            self._take()  # "verplaats bpsdl 13 april naar 14 april"
        if arg.working_day and len(self.tokens) > 1 and self.tokens[0].text.lower() in SURE_WORDS:
            self._take()
            self.confirmed.add(arg.name)
        words = [tok.text for tok in self.tokens]
        try:
            found = read_date(words, self.today, start.day if start else None)
            if found is not None and start is not None:
                found = self._still_running(arg, start, found, words)
            if found is not None and arg.nearest and found.yearless and found.day > self.today:
                back = latest_occurrence(found.day.month, found.day.day, self.today)
                if back is not None and self.today - back < found.day - self.today:
                    found = Reading(back, found.used, yearless=True)
        except DateError as error:
            raise UserError(error.text(), usage=self.usage) from None
        if found is None:
            return None
        last = self.tokens[found.used - 1]
        self.spans[arg.name] = (self.tokens[0].start, last.start + len(last.text))
        self._take(found.used)
        self.readings[arg.name] = found
        return found.day

    def _still_running(self, arg: Arg, start: Reading, end: Reading, words: list[str]
                       ) -> Reading:
        """Both dates without a year: a range that began lately and has not ended yet
        (``20 december 8 januari`` typed on 2 January) is that range, not next year's; an
        end that on its own comes before the start (``4 december 30 november`` in
        November) was written the wrong way round."""
        if not (start.yearless and end.yearless) or (start.day.month, start.day.day) == (2, 29):
            return end
        typed = " ".join(words[: end.used])
        alone = next_occurrence(end.day.month, end.day.day, self.today, typed)
        if alone < start.day and (end.day - start.day).days > RECENT.days:
            raise self.fail("datum.omgekeerd", start=self._shown(start.day),
                            end=self._shown(alone))
        earlier = start.day.replace(year=start.day.year - 1)
        end_earlier = next_occurrence(end.day.month, end.day.day, earlier, typed)
        if end_earlier < self.today or earlier < self.today - RECENT:
            return end
        assert arg.ends is not None
        self.values[arg.ends] = earlier
        self.readings[arg.ends] = Reading(earlier, start.used, yearless=True)
        return Reading(end_earlier, end.used, yearless=True)

    @staticmethod
    def _shown(day: date) -> str:
        return format_date(day, current_language())

    def _choice(self, phrases: list[str], aliases: Mapping[str, str]) -> str | None:
        matched = _match_phrase(self.tokens, phrases)
        if matched is None:
            return None
        self._take(matched[1])
        return aliases.get(matched[0], matched[0])

    def _mention(self, first: str) -> Mention | None:
        # Where a person is asked, a handle without its "@" means the same person.
        found = mention(first) or mention(f"@{first}")
        if found is not None:
            self._take()
        return found


def mention(word: str) -> Mention | None:
    """A Slack mention (``<@U…|name>``) or a handle (``@name``), else None."""
    if m := SLACK_MENTION.match(word):
        # Slack shows its own syntax as a mention; elsewhere the person typed @name.
        raw = word if m[1][0].isupper() or not m[2] else f"@{m[2]}"
        return Mention(raw=raw, handle=m[2] or None, platform_user_id=m[1])
    if m := HANDLE.match(word):
        return Mention(raw=word, handle=m[1].lower())
    return None
