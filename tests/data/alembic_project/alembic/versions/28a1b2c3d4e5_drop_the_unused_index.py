"""drop the unused index

Revision ID: 28a1b2c3d4e5
Revises: 27a1b2c3d4e5
Create Date: 2026-11-28 10:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '28a1b2c3d4e5'
down_revision: Union[str, Sequence[str], None] = '27a1b2c3d4e5'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.drop_index("ix_users_active_email", table_name="users")


def downgrade() -> None:
    op.create_index("ix_users_active_email", "users", ["email"],
                    postgresql_where=sa.text("active"), sqlite_where=sa.text("active"))
