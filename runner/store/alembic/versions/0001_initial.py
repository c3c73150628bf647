"""Initial run store: runs, run_steps, artifacts.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("scenario", sa.String(100), nullable=False, index=True),
        sa.Column("scenario_version", sa.String(20), nullable=False),
        sa.Column("municipality", sa.String(6), nullable=False, index=True),
        sa.Column("municipalities", sa.JSON(), nullable=False),
        sa.Column("trigger", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True)),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("items_ok", sa.Integer(), nullable=False),
        sa.Column("items_failed", sa.Integer(), nullable=False),
        sa.Column("minutes_per_item", sa.Float(), nullable=False),
        sa.Column("error_class", sa.String(20)),
        sa.Column("error_message", sa.Text()),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("artifact_dir", sa.Text(), nullable=False),
        sa.Column("idempotency_key", sa.String(200), unique=True),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("rerun_of", sa.String(40)),
        sa.Column("worker", sa.String(200)),
    )
    op.create_table(
        "run_steps",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(40), sa.ForeignKey("runs.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(200), nullable=False),
        sa.Column("action", sa.String(100)),
        sa.Column("item", sa.String(200)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("message", sa.Text()),
        sa.Column("attempt", sa.Integer(), nullable=False),
    )
    op.create_table(
        "artifacts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(40), sa.ForeignKey("runs.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("artifacts")
    op.drop_table("run_steps")
    op.drop_table("runs")
