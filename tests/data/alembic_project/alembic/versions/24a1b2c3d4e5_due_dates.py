"""due dates

Revision ID: 24a1b2c3d4e5
Revises: 23a1b2c3d4e5
Create Date: 2026-11-24 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '24a1b2c3d4e5'
down_revision = '23a1b2c3d4e5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("tasks", sa.Column("due", sa.Date))
    op.add_column("tasks", sa.Column("done_at", sa.DateTime))


def downgrade() -> None:
    op.drop_column("tasks", "done_at")
    op.drop_column("tasks", "due")
