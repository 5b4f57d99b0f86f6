"""users.locale

Revision ID: 30a1b2c3d4e5
Revises: 29a1b2c3d4e5
Create Date: 2026-11-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '30a1b2c3d4e5'
down_revision = '29a1b2c3d4e5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("locale", sa.String(10), nullable=False, server_default="en"))


def downgrade() -> None:
    op.drop_column("users", "locale")
