"""a nonce for password links (invitations, resets); a session version per account

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 18:00:00

Links sent before this migration carry no nonce and stop working: an
invitation has to be sent again (staff can, from /manage/users), a reset
asked again.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('link_nonce_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('session_version')
        batch_op.drop_column('link_nonce_hash')
