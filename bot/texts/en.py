"""English texts, the second language. A key missing here falls back to Dutch; a test
keeps both catalogues' keys and placeholders in step."""


TEXTS: dict[str, str] = {
    "grammar.unknown": "I don't know the command ‘{word}’.",
    "grammar.did_you_mean": " Did you mean ‘{suggestion}’?",
    "grammar.missing": "Something is missing: {what}.",
    "grammar.too_much": "I don't understand the last part: ‘{rest}’.",
    "usage": "Usage: {usage}",
    "opgave.not_found": "No opgave has code {code}. Search with /opgave zoek <word>.",
    "opgave.nothing_found": "No opgave found for ‘{term}’.",
    "permission.denied": "You may not do that ({action}). {who} may; nothing changed.",
    "error.unexpected": "Sorry, something went wrong on our side. Nothing changed. "
                        "Mention reference {reference} when you report it.",
    "help.heading.opgave": "Regiobot: how /opgave works",
    "help.heading.overleg": "Regiobot: how /overleg works",
}
