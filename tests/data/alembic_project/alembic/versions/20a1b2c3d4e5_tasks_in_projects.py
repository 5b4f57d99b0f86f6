"""tasks in projects

Revision ID: 20a1b2c3d4e5
Revises: 19a1b2c3d4e5
Create Date: 2026-11-20 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20a1b2c3d4e5'
down_revision = '19a1b2c3d4e5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("tasks", sa.Column("project_id", sa.Integer))
    op.create_index("ix_tasks_project_status", "tasks", ["project_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_tasks_project_status", table_name="tasks")
    op.drop_column("tasks", "project_id")
