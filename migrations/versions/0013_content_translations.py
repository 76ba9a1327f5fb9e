"""content translations as data: a language and a JSON map of translations per row;
a digest of only the events one can follow in its language

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 18:30:00

The French columns (`title_fr`, `summary_fr`, `name_fr`, `description_fr`)
move into `translations["fr"]`; nothing is lost. Downgrading moves French
back into its columns; translations into other languages have no column to
go back to there and are dropped.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

# table -> the French columns it had, each the translation of the column
# without "_fr".
FRENCH_COLUMNS = {
    'event': {'title_fr': sa.String(200), 'summary_fr': sa.String(500)},
    'sub_council': {'name_fr': sa.String(120), 'description_fr': sa.Text()},
    'theme': {'name_fr': sa.String(120)},
    'recommendation': {'title_fr': sa.String(200)},
    'venue': {},
}


def _table(name, *columns):
    return sa.table(name, sa.column('id', sa.Integer()), *columns)


def upgrade():
    for name in FRENCH_COLUMNS:
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.add_column(sa.Column('language', sa.String(length=16), server_default='en', nullable=False))
            batch_op.add_column(sa.Column('translations', sa.JSON(), server_default=sa.text("'{}'"), nullable=False))
    with op.batch_alter_table('venue', schema=None) as batch_op:
        batch_op.add_column(sa.Column('directions', sa.Text(), server_default='', nullable=False))
    with op.batch_alter_table('theme', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome', sa.Text(), server_default='', nullable=False))
    # A digest of only the events held in, or interpreted into, its language.
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_language_only', sa.Boolean(), server_default=sa.false(), nullable=False))

    connection = op.get_bind()
    for name, columns in FRENCH_COLUMNS.items():
        if not columns:
            continue
        table = _table(name, sa.column('translations', sa.JSON()),
                       *(sa.column(column, type_) for column, type_ in columns.items()))
        rows = connection.execute(sa.select(table.c.id, *(table.c[c] for c in columns))).all()
        for row in rows:
            french = {column[:-3]: getattr(row, column) for column in columns
                      if getattr(row, column)}
            if french:
                connection.execute(table.update().where(table.c.id == row.id)
                                   .values(translations={'fr': french}))
        with op.batch_alter_table(name, schema=None) as batch_op:
            for column in columns:
                batch_op.drop_column(column)


def downgrade():
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.drop_column('is_language_only')
    connection = op.get_bind()
    for name, columns in FRENCH_COLUMNS.items():
        if columns:
            with op.batch_alter_table(name, schema=None) as batch_op:
                for column, type_ in columns.items():
                    batch_op.add_column(sa.Column(column, type_, nullable=True))
            table = _table(name, sa.column('translations', sa.JSON()),
                           sa.column('language', sa.String()),
                           *(sa.column(column, type_) for column, type_ in columns.items()))
            for row in connection.execute(sa.select(table.c.id, table.c.translations)).all():
                french = (row.translations or {}).get('fr') or {}
                values = {column: french.get(column[:-3]) for column in columns}
                if any(values.values()):
                    connection.execute(table.update().where(table.c.id == row.id).values(**values))
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_column('translations')
            batch_op.drop_column('language')
    with op.batch_alter_table('theme', schema=None) as batch_op:
        batch_op.drop_column('outcome')
    with op.batch_alter_table('venue', schema=None) as batch_op:
        batch_op.drop_column('directions')
