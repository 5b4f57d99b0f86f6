"""seed orgs

Revision ID: 12a1b2c3d4e5
Revises: 11a1b2c3d4e5
Create Date: 2026-11-12 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '12a1b2c3d4e5'
down_revision = '11a1b2c3d4e5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    orgs = sa.table("orgs", sa.column("id", sa.Integer), sa.column("name", sa.String),
                    sa.column("slug", sa.String))
    op.bulk_insert(orgs, [
        {"id": 1, "name": "Acme", "slug": "acme"},
        {"id": 2, "name": "O'Brien & Co", "slug": "obrien"},
    ])


def downgrade() -> None:
    op.execute("DELETE FROM orgs WHERE id IN (1, 2)")
