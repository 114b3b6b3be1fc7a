"""column sizes: names up to 255 characters

A display name of 58 characters made the onboarding audit line (``audit_regel.veld``,
then varchar(60)) too long for PostgreSQL, and that person could never be onboarded.
Names of people, bodies and regio's, chat usernames, e-mail addresses and what an audit
line is about now hold 255 characters.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 15:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column, old length); every one becomes 255.
WIDENED = (
    ("persoon", "naam", 120),
    ("persoon", "functie", 120),
    ("persoon", "email", 200),
    ("identiteit", "gebruikersnaam", 120),
    ("audit_regel", "veld", 60),
    ("overleg", "naam", 120),
    ("regio", "naam", 120),
)
NULLABLE = {("persoon", "functie"), ("persoon", "email"), ("identiteit", "gebruikersnaam")}


def _resize(table: str, column: str, old: int, new: int) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.alter_column(column, existing_type=sa.String(length=old),
                              type_=sa.String(length=new),
                              existing_nullable=(table, column) in NULLABLE)


def upgrade() -> None:
    for table, column, old in WIDENED:
        _resize(table, column, old, 255)


def downgrade() -> None:
    # Longer values would not fit back: cut them, as the code did before.
    for table, column, old in WIDENED:
        op.execute(sa.text(f"UPDATE {table} SET {column} = substr({column}, 1, {old}) "
                           f"WHERE length({column}) > {old}"))
        _resize(table, column, 255, old)
