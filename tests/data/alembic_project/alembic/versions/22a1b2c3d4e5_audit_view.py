"""audit view

Revision ID: 22a1b2c3d4e5
Revises: 21a1b2c3d4e5
Create Date: 2026-11-22 10:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '22a1b2c3d4e5'
down_revision: Union[str, Sequence[str], None] = '21a1b2c3d4e5'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.execute("CREATE VIEW recent_audit AS SELECT id, actor, action FROM audit_log")


def downgrade() -> None:
    op.execute("DROP VIEW recent_audit")
