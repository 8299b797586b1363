"""reports: users' Vietnamese name sort keys, export audit log

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-30 09:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user_name_keys',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('sort_key', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_name_keys_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_user_name_keys'))
    )
    with op.batch_alter_table('user_name_keys', schema=None) as batch_op:
        batch_op.create_index('ix_user_name_keys_sort_key', ['sort_key', 'user_id'], unique=False)

    op.create_table('report_exports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('fmt', sa.String(length=8), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_report_exports_course_id_courses'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'], name=op.f('fk_report_exports_unit_id_org_units'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_report_exports_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_exports'))
    )
    with op.batch_alter_table('report_exports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_exports_user_id'), ['user_id'], unique=False)

    # Keys for the users who exist already (the listeners keep them from now on).
    from elearn.core.namekey import name_sort_key

    conn = op.get_bind()
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('name', sa.String))
    keys = sa.table('user_name_keys', sa.column('user_id', sa.Integer), sa.column('sort_key', sa.Text))
    rows = [{"user_id": i, "sort_key": name_sort_key(n)} for i, n in conn.execute(sa.select(users.c.id, users.c.name))]
    if rows:
        conn.execute(keys.insert(), rows)


def downgrade():
    with op.batch_alter_table('report_exports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_exports_user_id'))
    op.drop_table('report_exports')
    with op.batch_alter_table('user_name_keys', schema=None) as batch_op:
        batch_op.drop_index('ix_user_name_keys_sort_key')
    op.drop_table('user_name_keys')
