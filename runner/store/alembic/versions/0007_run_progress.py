"""Runs keep their live progress (done/total of the municipality or row loop) for the dashboard;
indexes for the paged history (newest first) and the per-town overview.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("progress", sa.JSON(), nullable=True))
    op.create_index("ix_runs_created_at", "runs", ["created_at"])
    op.create_index("ix_runs_town_scenario_created", "runs", ["municipality", "scenario", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_runs_town_scenario_created", table_name="runs")
    op.drop_index("ix_runs_created_at", table_name="runs")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("progress")
