"""orgs.slug not null

Revision ID: 06a1b2c3d4e5
Revises: 05a1b2c3d4e5
Create Date: 2026-11-06 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '06a1b2c3d4e5'
down_revision = '05a1b2c3d4e5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE orgs SET slug = lower(name) WHERE slug IS NULL")
    if op.get_context().dialect.name == "postgresql":
        op.alter_column("orgs", "slug", nullable=False, existing_type=sa.String(40))


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.alter_column("orgs", "slug", nullable=True, existing_type=sa.String(40))
