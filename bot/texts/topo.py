"""Converter from the Python dicts the texts used to live in (``TEXTS`` in
``bot/texts/nl.py`` and ``en.py``) to the gettext catalogues: ``python -m bot.texts.topo``
writes ``bot/locale/{nl,en}/LC_MESSAGES/regiobot.po`` and the template
``bot/locale/regiobot.pot``.

The key becomes the message id, the Dutch dict's order and its ``# group`` comments are
kept (the comment as a ``#.`` note for the translator), and a ``key.one``/``key.other``
pair becomes one plural entry ``key`` with ``msgstr[0]``/``msgstr[1]``. The output is
deterministic (fixed header dates, Babel's escaping and wrapping at 76 columns), so running
it again on the same dicts changes nothing, and running it after a merge that added keys
changes only those keys.

``python -m bot.texts.topo --template`` rewrites only the template from the Dutch ``.po``
(once the dicts are gone, the Dutch catalogue is the source)."""

from __future__ import annotations

import ast
import io
import re
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import import_module
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from bot.texts.catalogues import DOMAIN, LOCALE_DIR, plural_tags, po_path, template_path

LANGUAGES = ("nl", "en")
# Fixed, so that a rerun writes the same bytes; a translation tool updates them itself.
HEADER_DATE = datetime(2025, 1, 1, tzinfo=UTC)
WIDTH = 76  # what pybabel update and msgmerge wrap at, so they do not rewrap every entry
HEADERS = {
    None: "# Regiobot's message ids: the template for a new language.\n"
          "# Every id is a stable key; the Dutch catalogue holds the source texts.",
    "nl": "# Regiobot's Dutch texts: the product's own language and the source of the\n"
          "# others. Placeholders in {braces} are filled in by the code.",
    "en": "# Regiobot's English texts, the second language. Product terms (opgave), typed\n"
          "# command words and data values (statuses, phases) stay Dutch. A text left\n"
          "# empty here falls back to Dutch.",
}
# A comment line inside the Dutch dict names the group of the keys below it.
GROUP = re.compile(r"^\s*#\s*(.+?)\s*$")


@dataclass(frozen=True)
class Entry:
    key: str
    plural: bool
    group: str | None


def entries(texts: dict[str, str], source: str, tags: tuple[str, ...]) -> list[Entry]:
    """The message ids in the order of the Dutch dict, a plural pair folded into one."""
    groups = _groups(source)
    found: list[Entry] = []
    seen: set[str] = set()
    for key in texts:
        stem, _, tag = key.rpartition(".")
        plural = tag in tags and all(f"{stem}.{t}" in texts for t in tags)
        msgid = stem if plural else key
        if msgid in seen:
            if plural:
                continue
            raise SystemExit(f"{key}: both a text and a plural form of the same id")
        if plural and stem in texts:
            raise SystemExit(f"{stem}: both a text and a plural form of the same id")
        seen.add(msgid)
        found.append(Entry(msgid, plural, groups.get(key)))
    return found


def _groups(source: str) -> dict[str, str]:
    """Each key of the dict literal in ``source`` → the comment line above its group."""
    lines = source.splitlines()
    tree = ast.parse(source)
    keys = next(node for node in ast.walk(tree) if isinstance(node, ast.Dict)).keys
    groups: dict[str, str] = {}
    group: str | None = None
    previous = 0
    for node in keys:
        assert isinstance(node, ast.Constant) and isinstance(node.value, str)
        for text in lines[previous:node.lineno - 1]:
            match = GROUP.match(text)
            if match:
                group = match[1]
        previous = node.end_lineno or node.lineno
        if group:
            groups[node.value] = group
    return groups


def _empty(language: str | None) -> Catalog:
    return Catalog(locale=language, domain=DOMAIN, project="Regiobot", version="1",
                   header_comment=HEADERS[language], copyright_holder="Regiobot",
                   msgid_bugs_address="", creation_date=HEADER_DATE,
                   revision_date=HEADER_DATE, last_translator="Regiobot",
                   language_team="Regiobot", fuzzy=False)


def catalog(language: str | None, order: list[Entry], texts: dict[str, str],
            tags: tuple[str, ...]) -> Catalog:
    """The catalogue of ``language`` (``None``: the template, every text empty)."""
    catalogue = _empty(language)
    for entry in order:
        comments = [entry.group] if entry.group else []
        if entry.plural:
            forms = [texts.get(f"{entry.key}.{tag}", "") for tag in tags]
            catalogue.add((entry.key, entry.key),
                          tuple(forms) if language else tuple("" for _ in tags),
                          auto_comments=comments)
        else:
            catalogue.add(entry.key, texts.get(entry.key, "") if language else "",
                          auto_comments=comments)
    return catalogue


def _write(path: Path, catalogue: Catalog) -> None:
    buffer = io.BytesIO()
    write_po(buffer, catalogue, width=WIDTH, sort_output=False, ignore_obsolete=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def dicts() -> tuple[dict[str, dict[str, str]], str]:
    """The ``TEXTS`` dict of every language and the Dutch module's source (its comments)."""
    try:
        texts = {language: import_module(f"bot.texts.{language}").TEXTS
                 for language in LANGUAGES}
    except ModuleNotFoundError as gone:
        raise SystemExit(f"{gone.name} is gone: the .po files are the source now (edit them; "
                         "--template rewrites the .pot from the Dutch one)") from None
    dutch = import_module("bot.texts.nl").__file__ or ""
    return texts, Path(dutch).read_text(encoding="utf-8")


def convert(texts: dict[str, dict[str, str]], source: str,
            root: Path = LOCALE_DIR) -> list[Path]:
    """Write every language's ``.po`` and the ``.pot`` from the dicts (``texts["nl"]`` is
    the source, ``source`` its module's text); the paths written."""
    dutch = texts["nl"]
    tags = plural_tags("nl")
    order = entries(dutch, source, tags)
    extra = sorted(key for language in texts for key in texts[language] if key not in dutch)
    if extra:
        raise SystemExit(f"texts without a Dutch source: {extra}")
    written = []
    for language in texts:
        if plural_tags(language) != tags:
            raise SystemExit(f"{language}: plural forms {plural_tags(language)}, not {tags}")
        path = po_path(language, root)
        _write(path, catalog(language, order, texts[language], tags))
        written.append(path)
    _write(template_path(root), catalog(None, order, dutch, tags))
    return [*written, template_path(root)]


def template(root: Path = LOCALE_DIR) -> Path:
    """Rewrite the template from the Dutch ``.po``: the same ids and notes, no texts."""
    with po_path("nl", root).open("rb") as file:
        dutch = read_po(file)
    pot = _empty(None)
    for message in dutch:
        if message.id:
            empty = ("",) * dutch.num_plurals if message.pluralizable else ""
            pot.add(message.id, empty, auto_comments=message.auto_comments)
    _write(template_path(root), pot)
    return template_path(root)


def main(argv: list[str]) -> int:
    paths = [template()] if argv[1:] == ["--template"] else convert(*dicts())
    for path in paths:
        print(path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
