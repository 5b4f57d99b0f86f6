"""widen users.name

Revision ID: 05a1b2c3d4e5
Revises: 04a1b2c3d4e5
Create Date: 2026-11-05 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '05a1b2c3d4e5'
down_revision = '04a1b2c3d4e5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.alter_column("users", "name", type_=sa.String(100), existing_type=sa.String(50))


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.alter_column("users", "name", type_=sa.String(50), existing_type=sa.String(100))
