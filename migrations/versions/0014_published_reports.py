"""the periods whose report is published at /achievements

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 07:42:09

Nothing is published until an admin publishes a period from /manage/reports.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('published_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('published_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('end_date >= start_date', name=op.f('ck_published_report_ends_after_start')),
    sa.ForeignKeyConstraint(['published_by_id'], ['user_account.id'], name=op.f('fk_published_report_published_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_published_report')),
    sa.UniqueConstraint('start_date', 'end_date', name=op.f('uq_published_report_start_date_end_date'))
    )


def downgrade():
    op.drop_table('published_report')
