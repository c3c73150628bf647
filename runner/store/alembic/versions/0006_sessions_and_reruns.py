"""Revocable staff sessions, disabled accounts, one active re-run per run.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ACTIVE_RERUN = "rerun_of IS NOT NULL AND status IN ('queued', 'running')"


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE users SET municipality = NULL WHERE municipality = ''")  # see kyodo users add --municipality ""
    op.create_table(
        "staff_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("username", sa.String(100), sa.ForeignKey("users.username", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_staff_sessions_username", "staff_sessions", ["username"])
    # Before the index can exist, older duplicates (several reruns queued at once) keep only the newest active one.
    op.execute("UPDATE runs SET status = 'interrupted' WHERE rerun_of IS NOT NULL AND status IN ('queued', 'running') "
               "AND id NOT IN (SELECT MAX(id) FROM runs WHERE rerun_of IS NOT NULL AND status IN ('queued', 'running') "
               "GROUP BY rerun_of, municipality)")
    op.create_index("uq_runs_active_rerun", "runs", ["rerun_of", "municipality"], unique=True,
                    sqlite_where=sa.text(ACTIVE_RERUN), postgresql_where=sa.text(ACTIVE_RERUN))


def downgrade() -> None:
    op.drop_index("uq_runs_active_rerun", table_name="runs")
    op.drop_index("ix_staff_sessions_username", table_name="staff_sessions")
    op.drop_table("staff_sessions")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("disabled_at")
