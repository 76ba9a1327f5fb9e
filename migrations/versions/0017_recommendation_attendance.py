"""recommendation_attendance: past attendance kept per recommendation

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 04:30:00

A Sub-council's and a recommendation's pages said "Acted on by 3 past events,
112 attendees" by reading every past event of each recommendation (about
11,000 each at 100,000 events). The figures are now kept per recommendation,
counted up to a moment, and valid while site_state.attendance_version (bumped
by every change to a past figure) is the one they were counted at; a page adds
what ended since.

ix_event_end_dt becomes ix_event_by_end (end, status, series end): the events of a
recommendation upcoming, past or ended lately are counted from the index
alone, without reading each event's row.

ix_event_one_off_length holds how long each event that does not repeat
lasts: its end gives the longest, so that a list of the events still on
after a moment walks them by start from that moment less the longest, not
from the first event the site ever had.
"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def _length_expression():
    if op.get_bind().dialect.name == "sqlite":  # UTC text
        return sa.text("(julianday(end_dt) - julianday(start_dt))")
    return sa.text("(end_dt - start_dt)")


def upgrade():
    op.create_index('ix_event_one_off_length', 'event', [_length_expression()], unique=False,
                    sqlite_where=sa.text("recurrence_rule IS NULL"),
                    postgresql_where=sa.text("recurrence_rule IS NULL"))
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index('ix_event_end_dt')
        batch_op.create_index('ix_event_by_end', ['end_dt', 'status', 'series_end_dt'], unique=False)
    with op.batch_alter_table('site_state', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attendance_version', sa.BigInteger(), server_default='0',
                                      nullable=False))
    op.create_table('recommendation_attendance',
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('through_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('attendees', sa.Integer(), nullable=False),
    sa.Column('recorded', sa.Integer(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendation.id'],
                            name=op.f('fk_recommendation_attendance_recommendation_id_recommendation'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('recommendation_id', name=op.f('pk_recommendation_attendance'))
    )


def downgrade():
    op.drop_index('ix_event_one_off_length', table_name='event')
    op.drop_table('recommendation_attendance')
    with op.batch_alter_table('site_state', schema=None) as batch_op:
        batch_op.drop_column('attendance_version')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index('ix_event_by_end')
        batch_op.create_index('ix_event_end_dt', ['end_dt'], unique=False)
