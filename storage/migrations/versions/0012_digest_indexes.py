"""digest: the agenda's order and the week's changes by index

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 18:40:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('opgave', schema=None) as batch_op:
        batch_op.create_index('ix_opgave_agenda', ['regio_id', 'agenda_volgorde', 'code'],
                              unique=False)
    with op.batch_alter_table('audit_regel', schema=None) as batch_op:
        batch_op.create_index('ix_audit_regel_week', ['regio_id', 'op'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_regel', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_regel_week')
    with op.batch_alter_table('opgave', schema=None) as batch_op:
        batch_op.drop_index('ix_opgave_agenda')
