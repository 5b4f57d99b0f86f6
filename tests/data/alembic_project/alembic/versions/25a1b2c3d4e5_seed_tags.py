"""seed tags

Revision ID: 25a1b2c3d4e5
Revises: 24a1b2c3d4e5
Create Date: 2026-11-25 10:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '25a1b2c3d4e5'
down_revision: Union[str, Sequence[str], None] = '24a1b2c3d4e5'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.execute("INSERT INTO tags (id, label) VALUES (1, 'bug'), (2, 'feature')")


def downgrade() -> None:
    op.execute("DELETE FROM tags WHERE id IN (1, 2)")
