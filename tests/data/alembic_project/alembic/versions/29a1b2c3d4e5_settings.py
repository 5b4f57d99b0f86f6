"""settings

Revision ID: 29a1b2c3d4e5
Revises: 28a1b2c3d4e5
Create Date: 2026-11-01 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '29a1b2c3d4e5'
down_revision = '28a1b2c3d4e5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "settings",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text),
    )
    op.bulk_insert(sa.table("settings", sa.column("key", sa.String), sa.column("value", sa.Text)),
                   [{"key": "theme", "value": "dark"}])


def downgrade() -> None:
    op.drop_table("settings")
