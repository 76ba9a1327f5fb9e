"""attendance at each date of a repeating event

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24 10:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attendance',
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('attended_dt', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_attendance_registration_id_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('registration_id', 'day', name=op.f('pk_attendance'))
    )
    # A check-in already made at a repeating event counts for the local day it was made.
    from events_app.events.models import Event
    from events_app.registrations.models import Attendance, Registration
    from events_app.timeutil import to_local

    connection = op.get_bind()
    rows = connection.execute(
        sa.select(Registration.id, Registration.attended_dt)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.attended_dt.is_not(None), Event.recurrence_rule.is_not(None))).all()
    if rows:
        connection.execute(sa.insert(Attendance.__table__), [
            {"registration_id": row.id, "day": to_local(row.attended_dt).date(),
             "attended_dt": row.attended_dt} for row in rows])


def downgrade():
    op.drop_table('attendance')
