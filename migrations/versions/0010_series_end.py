"""series end of repeating events

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 09:50:00

A repeating event keeps the end of its last date, so that "upcoming" is a
column comparison on every page, feed and digest; existing repeating events
get it from their rule here.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('series_end_dt', sa.DateTime(timezone=True), nullable=True))

    # The rule's arithmetic is the application's (dates in SITE_TIMEZONE);
    # the model's column types read the times as UTC and the skipped dates as JSON.
    from events_app.events.models import Event
    from events_app.events.recurrence import last_end

    connection = op.get_bind()
    columns = (Event.id, Event.start_dt, Event.end_dt, Event.recurrence_rule, Event.recurrence_exdates)
    for row in connection.execute(sa.select(*columns).where(Event.recurrence_rule.is_not(None))).all():
        series = Event(start_dt=row.start_dt, end_dt=row.end_dt, recurrence_rule=row.recurrence_rule,
                       recurrence_exdates=row.recurrence_exdates)
        connection.execute(sa.update(Event.__table__).where(Event.id == row.id)
                           .values(series_end_dt=last_end(series)))


def downgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('series_end_dt')
