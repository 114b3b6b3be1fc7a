"""Euro amounts and numbers as people write them in Dutch."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

LIMIT = Decimal("1e10")


def _number(text: str) -> Decimal | None:
    """12.500, 12.500,50, 120,5, € 12500 or 12500.50 → Decimal (sign kept); None when
    it is no number."""
    cleaned = text.replace("€", "").replace(" ", "").strip().replace("−", "-")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif cleaned.count(".") == 1 and len(cleaned.split(".")[1]) == 3:
        cleaned = cleaned.replace(".", "")  # 12.500 is twaalfduizend vijfhonderd
    elif cleaned.count(".") > 1:
        cleaned = cleaned.replace(".", "")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None
    return number if number.is_finite() and abs(number) < LIMIT else None


def parse_amount(text: str) -> Decimal | None:
    """An amount in euros, to the cent; None when it is no amount (or negative)."""
    amount = _number(text)
    if amount is None or amount < 0:
        return None
    return amount.quantize(Decimal("0.01"))


def parse_number(text: str) -> Decimal | None:
    """A number as typed, with a decimal comma or point (``120,5`` uur); negative
    numbers stay negative, so the caller can say why it refuses one."""
    return _number(text)


def shown(number: Decimal) -> str:
    """A number as Dutch writes it: 120, 120,5."""
    return format(number.normalize(), "f").replace(".", ",")
