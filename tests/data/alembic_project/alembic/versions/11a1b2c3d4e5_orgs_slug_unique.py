"""orgs.slug unique

Revision ID: 11a1b2c3d4e5
Revises: 10a1b2c3d4e5
Create Date: 2026-11-11 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '11a1b2c3d4e5'
down_revision = '10a1b2c3d4e5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.create_unique_constraint("uq_orgs_slug", "orgs", ["slug"])


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.drop_constraint("uq_orgs_slug", "orgs", type_="unique")
