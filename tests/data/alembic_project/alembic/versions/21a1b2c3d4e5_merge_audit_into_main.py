"""merge audit into main

Revision ID: 21a1b2c3d4e5
Revises: 20a1b2c3d4e5, 18a1b2c3d4e5
Create Date: 2026-11-21 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '21a1b2c3d4e5'
down_revision = ('20a1b2c3d4e5', '18a1b2c3d4e5')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
