"""Euro amounts as people write them in Dutch."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

LIMIT = Decimal("1e10")


def parse_amount(text: str) -> Decimal | None:
    """12.500, 12.500,50, € 12500 or 12500.50 → Decimal; None when it is no amount."""
    cleaned = text.replace("€", "").replace(" ", "").strip()
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif cleaned.count(".") == 1 and len(cleaned.split(".")[1]) == 3:
        cleaned = cleaned.replace(".", "")  # 12.500 is twaalfduizend vijfhonderd
    elif cleaned.count(".") > 1:
        cleaned = cleaned.replace(".", "")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount < 0 or amount >= LIMIT:
        return None
    return amount.quantize(Decimal("0.01"))
