"""partial index on active users

Revision ID: 09a1b2c3d4e5
Revises: 08a1b2c3d4e5
Create Date: 2026-11-09 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '09a1b2c3d4e5'
down_revision = '08a1b2c3d4e5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_users_active_email", "users", ["email"],
                    postgresql_where=sa.text("active"), sqlite_where=sa.text("active"))


def downgrade() -> None:
    op.drop_index("ix_users_active_email", table_name="users")
