"""users belong to orgs

Revision ID: 04a1b2c3d4e5
Revises: 03a1b2c3d4e5
Create Date: 2026-11-04 10:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '04a1b2c3d4e5'
down_revision: Union[str, Sequence[str], None] = '03a1b2c3d4e5'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("users", sa.Column("org_id", sa.Integer))
    if op.get_context().dialect.name == "postgresql":
        op.create_foreign_key("fk_users_org", "users", "orgs", ["org_id"], ["id"], ondelete="SET NULL")


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.drop_constraint("fk_users_org", "users", type_="foreignkey")
    op.drop_column("users", "org_id")
