"""projects.archived

Revision ID: 31a1b2c3d4e5
Revises: 30a1b2c3d4e5
Create Date: 2026-11-03 10:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '31a1b2c3d4e5'
down_revision: Union[str, Sequence[str], None] = '30a1b2c3d4e5'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("projects", sa.Column("archived", sa.Boolean, server_default=sa.false(), nullable=False))
    op.create_index("ix_projects_live", "projects", ["org_id"],
                    postgresql_where=sa.text("NOT archived"), sqlite_where=sa.text("NOT archived"))


def downgrade() -> None:
    op.drop_index("ix_projects_live", table_name="projects")
    op.drop_column("projects", "archived")
