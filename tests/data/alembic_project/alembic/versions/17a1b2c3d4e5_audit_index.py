"""audit index

Revision ID: 17a1b2c3d4e5
Revises: 16a1b2c3d4e5
Create Date: 2026-11-17 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '17a1b2c3d4e5'
down_revision = '16a1b2c3d4e5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_at", "audit_log", ["at"])


def downgrade() -> None:
    op.drop_index("ix_audit_at", table_name="audit_log")
