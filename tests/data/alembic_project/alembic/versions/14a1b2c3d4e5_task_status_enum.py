"""task status enum

Revision ID: 14a1b2c3d4e5
Revises: 13a1b2c3d4e5
Create Date: 2026-11-14 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '14a1b2c3d4e5'
down_revision = '13a1b2c3d4e5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("status", sa.Enum("todo", "doing", "done", name="task_status"),
                  nullable=False, server_default="todo"),
        sa.Column("owner_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE")),
    )


def downgrade() -> None:
    op.drop_table("tasks")
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TYPE task_status")
