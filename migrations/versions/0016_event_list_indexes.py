"""Indexes for the public lists at 100,000 events (issue 15)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 17:00:00

The lists filter on "parent_id IS NULL" (top-level events), which matches
nearly every row; without statistics SQLite took ix_event_parent_id for it and
sorted every upcoming event to show twenty. ix_event_parent_id becomes
partial (sessions only), and partial indexes serve the lists: the one-off
top-level events by start (a page without a sort) and by end (the count of
those to come, by Sub-council and kind too, from the index alone), the
running series by their end, the community meetings by start.
ix_event_status_start_dt, which made SQLite count through the table, gives
way to plain indexes on start (a feed's first 2,000 events, the jobs) and
on end (when the last event left a feed's window).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

ONE_OFF = "parent_id IS NULL AND recurrence_rule IS NULL"


def _where(condition):
    return {"sqlite_where": sa.text(condition), "postgresql_where": sa.text(condition)}


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index('ix_event_status_start_dt')
        batch_op.drop_index('ix_event_parent_id')
        batch_op.create_index('ix_event_parent_id', ['parent_id'], unique=False,
                              **_where("parent_id IS NOT NULL"))
        batch_op.create_index('ix_event_one_off_start', ['start_dt', 'id'], unique=False,
                              **_where(ONE_OFF))
        batch_op.create_index('ix_event_one_off_end',
                              ['end_dt', 'status', 'parent_id', 'recurrence_rule', 'council_id', 'kind'],
                              unique=False,
                              **_where(ONE_OFF))
        batch_op.create_index('ix_event_kind_start_dt', ['kind', 'start_dt'], unique=False)
        batch_op.create_index('ix_event_series_end', ['series_end_dt'], unique=False,
                              **_where("series_end_dt IS NOT NULL"))
        batch_op.create_index('ix_event_start_dt', ['start_dt'], unique=False)
        batch_op.create_index('ix_event_end_dt', ['end_dt'], unique=False)


def downgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index('ix_event_end_dt')
        batch_op.drop_index('ix_event_start_dt')
        batch_op.drop_index('ix_event_series_end')
        batch_op.drop_index('ix_event_kind_start_dt')
        batch_op.drop_index('ix_event_one_off_end')
        batch_op.drop_index('ix_event_one_off_start')
        batch_op.drop_index('ix_event_parent_id')
        batch_op.create_index('ix_event_parent_id', ['parent_id'], unique=False)
        batch_op.create_index('ix_event_status_start_dt', ['status', 'start_dt'], unique=False)
