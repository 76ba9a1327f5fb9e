"""event_seat_state: the version of each event's places, for the page cache

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 12:10:00

A registration no longer bumps site_state.content_version (which made every
cached page of every process stale) but the row of its event here: only the
pages showing that event's places go stale.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('event_seat_state',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_seat_state_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_event_seat_state'))
    )


def downgrade():
    op.drop_table('event_seat_state')
