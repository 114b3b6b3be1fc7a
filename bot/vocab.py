"""The register's vocabularies, with English aliases. Region settings may replace the
phases and themes; these are the defaults from seed 000."""

from __future__ import annotations

STATUSES = ("op koers", "aandacht", "risico", "geblokkeerd")
STATUS_ALIASES = {
    "on track": "op koers", "opkoers": "op koers", "attention": "aandacht",
    "at risk": "risico", "risk": "risico", "blocked": "geblokkeerd",
}
STATUS_ICONS = {"op koers": "🟢", "aandacht": "🟡", "risico": "🟠", "geblokkeerd": "🔴"}
NEEDS_ATTENTION = frozenset({"risico", "geblokkeerd"})

DEFAULT_FASES = (
    "voorstel", "analyse", "onderzoek", "strategische keuzes", "impactanalyse",
    "uitvoering", "borging", "afgerond",
)
NIVEAUS = ("lokaal", "regionaal", "bovenregionaal")
VORMEN = ("samen verkennen", "samen ontwikkelen", "samen doen")
REIKWIJDTES = ("alleen voorbereiding", "ook uitvoering")

# Theme → code prefix. A quick `nieuw <titel>` takes the theme whose name (or a keyword)
# appears in the title, else the general prefix.
DEFAULT_THEMAS = {
    "Jeugd": "JGD", "Wmo": "WMO", "MO/BW": "MOB", "IZA": "IZA", "Onderwijs": "OND",
    "Werk en inkomen": "WEI", "Organisatie": "ORG",
}
THEMA_KEYWORDS = {
    "jeugd": "Jeugd", "jongeren": "Jeugd", "wmo": "Wmo", "beschermd wonen": "MO/BW",
    "maatschappelijke opvang": "MO/BW", "iza": "IZA", "zorgakkoord": "IZA",
    "onderwijs": "Onderwijs", "leerling": "Onderwijs", "werk": "Werk en inkomen",
    "inkomen": "Werk en inkomen", "rbl": "Organisatie",
}
GENERAL_PREFIX = "ALG"
