"""the follow-up planner's nudge and escalation marks and the indexes it reads by

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # No backfill: NULL means "not worked out yet", and the first tick after the upgrade
    # works it out for every open action (one catch-up pass; the dedupe keys keep it quiet).
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nudge_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('escalate_on', sa.Date(), nullable=True))
        batch_op.create_index('ix_action_open_nudge', ['status', 'nudge_on'], unique=False)
        batch_op.create_index(
            'ix_action_open_escalation', ['status', 'escalated_at', 'escalate_on'], unique=False
        )
        # The carry-over line rendered in every invitation: open actions of earlier meetings.
        batch_op.create_index('ix_action_meeting_open', ['meeting_id', 'status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_index('ix_action_meeting_open')
        batch_op.drop_index('ix_action_open_escalation')
        batch_op.drop_index('ix_action_open_nudge')
        batch_op.drop_column('escalate_on')
        batch_op.drop_column('nudge_on')
