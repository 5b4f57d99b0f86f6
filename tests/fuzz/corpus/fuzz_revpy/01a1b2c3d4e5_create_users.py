"""create users

Revision ID: 01a1b2c3d4e5
Revises: 
Create Date: 2026-11-01 10:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '01a1b2c3d4e5'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(120), nullable=False),
        sa.Column("name", sa.String(50)),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime, server_default=sa.func.now()),
        sa.Column("balance", sa.Numeric(10, 2), server_default="0"),
        sa.Column("bio", sa.Text),
        sa.Column("born", sa.Date),
        sa.Column("score", sa.Float),
        sa.Column("big", sa.BigInteger),
        sa.Column("small", sa.SmallInteger),
        sa.Column("avatar", sa.LargeBinary),
        sa.Column("prefs", sa.JSON),
    )


def downgrade() -> None:
    op.drop_table("users")
