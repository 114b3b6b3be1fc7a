"""The texts are gettext catalogues (issue 25): a ``.po`` per language that a translator
can open in Poedit or Weblate, compiled to a ``.mo`` when needed, plural forms by CLDR's
rule, and every language complete and in step with the Dutch source."""

from __future__ import annotations

import os
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot import texts
from bot.texts import LANGUAGES, catalogue, catalogues, tn, use_language
from bot.texts.catalogues import load, po_path, read, template_path
from bot.texts.topo import convert, template


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _po(path: Path, entries: str, language: str = "nl") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'msgid ""\nmsgstr ""\n"Language: {language}\\n"\n'
                    f'"Content-Type: text/plain; charset=utf-8\\n"\n'
                    f'"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n{entries}',
                    encoding="utf-8")
    return path


def test_a_catalogue_is_compiled_when_its_mo_is_missing_or_older(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    monkeypatch.setattr(catalogues, "LOCALE_DIR", tmp_path)
    po = _po(po_path("nl", tmp_path), 'msgid "groet"\nmsgstr "Hallo"\n')
    mo = po.with_suffix(".mo")
    assert load("nl").gettext("groet") == "Hallo" and mo.exists()

    _po(po, 'msgid "groet"\nmsgstr "Goedemorgen"\n')
    os.utime(po, ns=(mo.stat().st_mtime_ns + 10**9,) * 2)
    assert load("nl").gettext("groet") == "Goedemorgen"

    os.utime(po, ns=(mo.stat().st_mtime_ns - 10**9,) * 2)
    mo.write_bytes(catalogues.compile_po(_po(tmp_path / "other.po",
                                             'msgid "groet"\nmsgstr "Dag"\n')))
    assert load("nl").gettext("groet") == "Dag", "a .mo newer than its .po is used as is"


def test_a_package_directory_that_cannot_be_written_compiles_in_memory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    def refuse(source: object, target: object) -> None:
        raise PermissionError(13, "Read-only file system")

    monkeypatch.setattr(catalogues, "LOCALE_DIR", tmp_path)
    monkeypatch.setattr(catalogues.os, "replace", refuse)
    po = _po(po_path("nl", tmp_path), 'msgid "groet"\nmsgstr "Hallo"\n')
    assert load("nl").gettext("groet") == "Hallo"
    assert sorted(p.name for p in po.parent.iterdir()) == ["regiobot.po"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_forms_follow_cldr(language: str) -> None:
    with po_path(language).open("rb") as file:
        po = read_po(file)
    assert po.plural_forms == Catalog(locale=language).plural_forms
    assert po.plural_forms == "nplurals=2; plural=(n != 1);"
    use_language(language)
    try:
        shown = [tn("overleg.leden", n) for n in (0, 1, 2, 21)]
    finally:
        use_language("nl")
    expected = {"nl": ["0 leden", "1 lid", "2 leden", "21 leden"],
                "en": ["0 members", "1 member", "2 members", "21 members"]}
    assert [s.split(" (")[0] for s in shown] == expected[language]


def test_every_message_has_a_text_in_every_language() -> None:
    with template_path().open("rb") as file:
        ids = {m.id if isinstance(m.id, str) else m.id[0]: isinstance(m.id, tuple)
               for m in read_po(file) if m.id}
    dutch = catalogue("nl")
    for language in LANGUAGES:
        found = catalogue(language)
        keys = {f"{i}.{tag}" if plural else i: i for i, plural in ids.items()
                for tag in (("one", "other") if plural else ("",))}
        assert set(found) == set(keys), f"{language}: not the template's ids"
        assert [k for k, text in found.items() if not text] == [], f"{language}: empty"
    assert set(dutch) == set(catalogue("en"))


def test_placeholders_match_between_languages_and_between_plural_forms() -> None:
    dutch = catalogue("nl")
    for language in LANGUAGES:
        found = catalogue(language)
        wrong = [key for key, text in found.items() if _fields(text) != _fields(dutch[key])]
        assert wrong == [], f"{language}: placeholders differ from Dutch"
        for key in (k[:-len(".other")] for k in found if k.endswith(".other")):
            one, other = _fields(found[f"{key}.one"]), _fields(found[f"{key}.other"])
            # The form for one may say "1" or "one" instead of {count}; nothing else.
            assert one - {"count"} == other - {"count"}, f"{language}: {key}"


def test_the_converter_writes_what_it_reads_back_and_the_same_twice(tmp_path: Path) -> None:
    dutch = {"a.quote": 'Zeg "ja" of ‘nee’ en {naam}', "a.lang": "woord " * 40 + "{x}",
             "b.regels.one": "1 regel", "b.regels.other": "{count} regels",
             "b.nl": "eerste\\eerste\nTweede {{letterlijk}}\t"}
    lines = [f"    {key!r}: {text!r}," for key, text in dutch.items()]
    source = "\n".join(["TEXTS = {", "    # grammar", *lines[:2], "    # regels", *lines[2:],
                        "}"])
    english = {"a.quote": 'Say "yes" or ‘no’ and {naam}', "b.regels.one": "1 line",
               "b.regels.other": "{count} lines", "b.nl": "first\nSecond {{letterlijk}}"}
    written = convert({"nl": dutch, "en": english}, source, tmp_path)
    first = [p.read_bytes() for p in written]
    assert read("nl", tmp_path) == dutch
    assert read("en", tmp_path) == {**english, "a.lang": ""}
    po = po_path("nl", tmp_path).read_text(encoding="utf-8")
    assert '#. regels\nmsgid "b.regels"\nmsgid_plural "b.regels"\nmsgstr[0] "1 regel"' in po
    assert [p.read_bytes() for p in convert({"nl": dutch, "en": english}, source,
                                            tmp_path)] == first
    template_path(tmp_path).unlink()
    template(tmp_path)
    assert template_path(tmp_path).read_bytes() == first[-1]


def test_the_template_is_the_dutch_catalogue_without_texts(tmp_path: Path) -> None:
    dutch = po_path("nl", tmp_path)
    dutch.parent.mkdir(parents=True)
    dutch.write_bytes(po_path("nl").read_bytes())
    assert template(tmp_path).read_bytes() == template_path().read_bytes()


def test_a_key_no_catalogue_has_fails_loudly() -> None:
    with pytest.raises(KeyError):
        texts.t("bestaat.niet")
    assert texts.t_or("bestaat.niet", "veld") == "veld"
