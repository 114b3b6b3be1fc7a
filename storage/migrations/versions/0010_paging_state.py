"""paging state: a "Meer" button carries a short key to the command it pages

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 15:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('paging_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sleutel', sa.String(length=32), nullable=False),
    sa.Column('regio_id', sa.Integer(), nullable=False),
    sa.Column('root', sa.String(length=20), nullable=False),
    sa.Column('tekst', sa.Text(), nullable=False),
    sa.Column('aangemaakt_op', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('verloopt_op', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['regio_id'], ['regio.id'],
                            name=op.f('fk_paging_state_regio_id_regio')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paging_state')),
    sa.UniqueConstraint('sleutel', name=op.f('uq_paging_state_sleutel'))
    )
    with op.batch_alter_table('paging_state', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paging_state_verloopt_op'), ['verloopt_op'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('paging_state', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_paging_state_verloopt_op'))
    op.drop_table('paging_state')
