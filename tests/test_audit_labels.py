"""The history and the digest name a change as a reader would: no field names from the
database, and what it belongs to when it is not the opgave itself."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.services.audit import field_label
from storage.models import AuditRegel


def entry(entiteit: str, veld: str) -> AuditRegel:
    return AuditRegel(regio_id=1, op=datetime(2026, 11, 24, tzinfo=UTC), entiteit=entiteit,
                      entiteit_id=1, veld=veld)


def test_a_role_reads_as_words_and_a_known_field_by_its_label() -> None:
    assert field_label(entry("opgave", "ambtelijk_opdrachtgever")) == "ambtelijk opdrachtgever"
    assert field_label(entry("opgave", "status_toelichting")) == "toelichting"


def test_the_status_of_an_afweging_or_a_respondent_says_whose() -> None:
    assert field_label(entry("afweging", "status")) == "afweging status"
    assert field_label(entry("respondent", "status")) == "invuller status"
