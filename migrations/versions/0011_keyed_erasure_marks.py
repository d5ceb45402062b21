"""erased numbers are marked with a keyed hash; the installation's own secrets

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('install_secret',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    # Marks written so far are bare SHA-256: kept, and re-keyed by the application (which
    # knows the key) the first time it reads or writes a mark.
    with op.batch_alter_table('erasedphone', schema=None) as batch_op:
        batch_op.add_column(sa.Column('keyed', sa.Boolean(), server_default=sa.text("false"), nullable=False))
    with op.batch_alter_table('erasedphone', schema=None) as batch_op:
        batch_op.alter_column('keyed', server_default=sa.text("true"))


def downgrade() -> None:
    with op.batch_alter_table('erasedphone', schema=None) as batch_op:
        batch_op.drop_column('keyed')
    op.drop_table('install_secret')
