"""The gettext catalogues on disk: ``bot/locale/<language>/LC_MESSAGES/regiobot.po`` per
language and the template ``bot/locale/regiobot.pot``. Message ids are stable keys
(``grammar.unknown``), the Dutch catalogue holds the source texts (monolingual, as Weblate
calls it), and a text that depends on a number is one plural entry with CLDR's forms.

At run time a ``.po`` is compiled to its ``.mo`` when that is missing or older, and the
``.mo`` is read by the standard library's ``GNUTranslations``, which is fast. Babel is
imported only to compile, or to read a ``.po`` whole (tests and the converter), so
start-up does not pay for it."""

from __future__ import annotations

import io
import os
from gettext import GNUTranslations
from pathlib import Path

DOMAIN = "regiobot"
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
# CLDR's plural categories in the order gettext numbers a language's forms: Babel writes
# the Plural-Forms of a language from the categories it has, in this order.
CLDR_ORDER = ("zero", "one", "two", "few", "many", "other")


def po_path(language: str, root: Path | None = None) -> Path:
    return (root or LOCALE_DIR) / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def template_path(root: Path | None = None) -> Path:
    return (root or LOCALE_DIR) / f"{DOMAIN}.pot"


def load(language: str) -> GNUTranslations:
    """The compiled catalogue of ``language``, compiled from its ``.po`` first when the
    ``.mo`` is missing or older (a ``git pull`` or an edit of the ``.po``)."""
    po = po_path(language)
    mo = po.with_suffix(".mo")
    if _fresh(mo, po):
        with mo.open("rb") as file:
            return GNUTranslations(file)
    data = compile_po(po)
    _save(mo, data)
    return GNUTranslations(io.BytesIO(data))


def _fresh(mo: Path, po: Path) -> bool:
    try:
        compiled = mo.stat().st_mtime_ns
    except FileNotFoundError:
        return False
    try:
        return compiled >= po.stat().st_mtime_ns
    except FileNotFoundError:  # a package shipped with its .mo only
        return True


def compile_po(po: Path) -> bytes:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as file:
        catalog = read_po(file)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def _save(mo: Path, data: bytes) -> None:
    """Write the ``.mo`` next to its ``.po`` in one step (another process may be reading
    or compiling it at the same moment); where the package directory is not writable (an
    installed wheel, a read-only container) the catalogue stays compiled in memory."""
    part = mo.with_name(f".{mo.name}.{os.getpid()}")
    try:
        part.write_bytes(data)
        os.replace(part, mo)
    except OSError:
        part.unlink(missing_ok=True)


def plural_tags(language: str) -> tuple[str, ...]:
    """The CLDR plural categories of ``language`` in gettext's order of its forms:
    ``("one", "other")`` for Dutch and English, so ``msgstr[0]`` is the form for one."""
    from babel.core import Locale

    rule = Locale.parse(language).plural_form
    return tuple(tag for tag in CLDR_ORDER if tag in rule.tags or tag == "other")


def read(language: str, root: Path | None = None) -> dict[str, str]:
    """Every text of ``language``'s ``.po`` by message id, untranslated ones as ``""``; a
    plural entry's forms appear as ``<id>.<CLDR category>`` (``overleg.leden.one``,
    ``overleg.leden.other``)."""
    from babel.messages.pofile import read_po

    with po_path(language, root).open("rb") as file:
        catalog = read_po(file)
    tags = plural_tags(language)
    texts: dict[str, str] = {}
    for message in catalog:
        if not message.id:
            continue  # the header
        if isinstance(message.id, tuple | list):
            forms = message.string if isinstance(message.string, tuple | list) else ()
            if len(forms) != len(tags):
                raise ValueError(f"{language}: {message.id[0]} has {len(forms)} forms, "
                                 f"{language} has {len(tags)}")
            for tag, form in zip(tags, forms, strict=True):
                texts[f"{message.id[0]}.{tag}"] = form or ""
        else:
            texts[message.id] = str(message.string or "")
    return texts
