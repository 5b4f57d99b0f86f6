"""index on tasks.due

Revision ID: 26a1b2c3d4e5
Revises: 25a1b2c3d4e5
Create Date: 2026-11-26 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '26a1b2c3d4e5'
down_revision = '25a1b2c3d4e5'
branch_labels = None
depends_on = ('18a1b2c3d4e5',)


def upgrade() -> None:
    op.create_index("ix_tasks_due", "tasks", ["due"])


def downgrade() -> None:
    op.drop_index("ix_tasks_due", table_name="tasks")
