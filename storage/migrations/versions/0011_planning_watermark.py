"""planning watermark: a counter of changes to what planning reads, and per regio what
its last full pass planned for (issue 24)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-10 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('planning_teller',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('teller', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_planning_teller'))
    )
    op.create_table('planning_stand',
    sa.Column('regio_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('sleutel', sa.String(length=255), nullable=False),
    sa.Column('teller', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['regio_id'], ['regio.id'],
                            name=op.f('fk_planning_stand_regio_id_regio')),
    sa.PrimaryKeyConstraint('regio_id', name=op.f('pk_planning_stand'))
    )


def downgrade() -> None:
    op.drop_table('planning_stand')
    op.drop_table('planning_teller')
