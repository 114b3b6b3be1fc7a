"""platform channel ids

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 15:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('platform_kanaal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.Column('team_id', sa.String(length=64), nullable=False),
    sa.Column('naam', sa.String(length=80), nullable=False),
    sa.Column('extern_id', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_platform_kanaal')),
    sa.UniqueConstraint('platform', 'team_id', 'naam', name=op.f('uq_platform_kanaal_platform_team_id_naam'))
    )


def downgrade() -> None:
    op.drop_table('platform_kanaal')
