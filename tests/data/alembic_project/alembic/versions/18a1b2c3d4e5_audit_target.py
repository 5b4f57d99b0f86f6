"""audit target

Revision ID: 18a1b2c3d4e5
Revises: 17a1b2c3d4e5
Create Date: 2026-11-18 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '18a1b2c3d4e5'
down_revision = '17a1b2c3d4e5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("target", sa.String(64), server_default="", nullable=False))


def downgrade() -> None:
    op.drop_column("audit_log", "target")
