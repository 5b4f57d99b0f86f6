"""projects

Revision ID: 19a1b2c3d4e5
Revises: 15a1b2c3d4e5
Create Date: 2026-11-19 10:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '19a1b2c3d4e5'
down_revision: Union[str, Sequence[str], None] = '15a1b2c3d4e5'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("org_id", sa.Integer, sa.ForeignKey("organizations.id"), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.UniqueConstraint("org_id", "name", name="uq_projects_org_name"),
    )


def downgrade() -> None:
    op.drop_table("projects")
