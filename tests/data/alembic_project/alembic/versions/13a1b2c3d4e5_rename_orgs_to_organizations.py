"""rename orgs to organizations

Revision ID: 13a1b2c3d4e5
Revises: 12a1b2c3d4e5
Create Date: 2026-11-13 10:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '13a1b2c3d4e5'
down_revision: Union[str, Sequence[str], None] = '12a1b2c3d4e5'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.rename_table("orgs", "organizations")


def downgrade() -> None:
    op.rename_table("organizations", "orgs")
