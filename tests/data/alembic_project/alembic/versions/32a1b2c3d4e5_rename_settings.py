"""rename settings

Revision ID: 32a1b2c3d4e5
Revises: 31a1b2c3d4e5
Create Date: 2026-11-04 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '32a1b2c3d4e5'
down_revision = '31a1b2c3d4e5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.rename_table("settings", "app_settings")


def downgrade() -> None:
    op.rename_table("app_settings", "settings")
