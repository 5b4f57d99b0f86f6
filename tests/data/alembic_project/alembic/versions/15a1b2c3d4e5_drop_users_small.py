"""drop users.small

Revision ID: 15a1b2c3d4e5
Revises: 14a1b2c3d4e5
Create Date: 2026-11-15 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '15a1b2c3d4e5'
down_revision = '14a1b2c3d4e5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_column("users", "small")


def downgrade() -> None:
    op.add_column("users", sa.Column("small", sa.SmallInteger))
