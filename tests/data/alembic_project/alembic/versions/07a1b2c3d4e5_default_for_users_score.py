"""default for users.score

Revision ID: 07a1b2c3d4e5
Revises: 06a1b2c3d4e5
Create Date: 2026-11-07 10:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '07a1b2c3d4e5'
down_revision: Union[str, Sequence[str], None] = '06a1b2c3d4e5'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.alter_column("users", "score", server_default="1.5", existing_type=sa.Float)


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.alter_column("users", "score", server_default=None, existing_type=sa.Float)
