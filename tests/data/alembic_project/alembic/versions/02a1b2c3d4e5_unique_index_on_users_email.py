"""unique index on users.email

Revision ID: 02a1b2c3d4e5
Revises: 01a1b2c3d4e5
Create Date: 2026-11-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '02a1b2c3d4e5'
down_revision = '01a1b2c3d4e5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_users_email", "users", ["email"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_users_email", table_name="users")
