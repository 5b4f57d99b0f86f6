"""create orgs

Revision ID: 03a1b2c3d4e5
Revises: 02a1b2c3d4e5
Create Date: 2026-11-03 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '03a1b2c3d4e5'
down_revision = '02a1b2c3d4e5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "orgs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("slug", sa.String(40)),
    )


def downgrade() -> None:
    op.drop_table("orgs")
