"""check on balance

Revision ID: 10a1b2c3d4e5
Revises: 09a1b2c3d4e5
Create Date: 2026-11-10 10:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '10a1b2c3d4e5'
down_revision: Union[str, Sequence[str], None] = '09a1b2c3d4e5'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.create_check_constraint("ck_users_balance", "users", "balance >= 0")


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.drop_constraint("ck_users_balance", "users", type_="check")
