"""rename users.bio to about

Revision ID: 08a1b2c3d4e5
Revises: 07a1b2c3d4e5
Create Date: 2026-11-08 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '08a1b2c3d4e5'
down_revision = '07a1b2c3d4e5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.alter_column("users", "bio", new_column_name="about", existing_type=sa.Text)


def downgrade() -> None:
    op.alter_column("users", "about", new_column_name="bio", existing_type=sa.Text)
