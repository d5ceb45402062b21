"""the meeting planners' marks and the indexes that bound a tick to what is due

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COMING = "answer IN ('hadir', 'diwakilkan')"
PENDING = "answer = 'pending'"


def upgrade() -> None:
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminder_mark', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('nudge_mark', sa.Integer(), server_default='0', nullable=False))
        # Partial: each index holds only the answers its planner reads (models.meetings).
        batch_op.create_index('ix_invitation_reminder_due', ['meeting_id', 'reminder_mark'], unique=False, sqlite_where=sa.text(COMING), postgresql_where=sa.text(COMING))
        batch_op.create_index('ix_invitation_nudge_due', ['meeting_id', 'nudge_mark', 'created_at'], unique=False, sqlite_where=sa.text(PENDING), postgresql_where=sa.text(PENDING))

    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closing_nudged_on', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True))
        batch_op.create_index('ix_meeting_status_starts_at', ['status', 'starts_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_status_starts_at')
        batch_op.drop_column('closing_nudged_on')

    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index('ix_invitation_nudge_due')
        batch_op.drop_index('ix_invitation_reminder_due')
        batch_op.drop_column('nudge_mark')
        batch_op.drop_column('reminder_mark')
