"""cataloguing practice: exercises (one per activity of kind "cataloguing") and attempts

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 14:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

DRAFT = sa.text("state = 'draft'")


def upgrade():
    op.create_table('cataloguing_exercises',
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('item', sa.Text(), nullable=False),
    sa.Column('key_record', sa.Text(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('pass_mark', sa.Double(), nullable=False),
    sa.Column('attempts_allowed', sa.Integer(), nullable=False),
    sa.Column('grading', sa.String(length=10), nullable=False),
    sa.Column('source', sa.String(length=255), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("grading IN ('best', 'last')", name=op.f('ck_cataloguing_exercises_grading')),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_cataloguing_exercises_activity_id_activities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('activity_id', name=op.f('pk_cataloguing_exercises'))
    )
    op.create_table('cataloguing_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('record', sa.Text(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('saved_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('score', sa.Double(), nullable=True),
    sa.Column('percent', sa.Double(), nullable=True),
    sa.Column('differences', sa.JSON(), nullable=False),
    sa.Column('save_seq', sa.Integer(), nullable=False),
    sa.CheckConstraint("state IN ('draft', 'submitted')", name=op.f('ck_cataloguing_attempts_state')),
    sa.ForeignKeyConstraint(['activity_id'], ['cataloguing_exercises.activity_id'], name=op.f('fk_cataloguing_attempts_activity_id_cataloguing_exercises'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_cataloguing_attempts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cataloguing_attempts')),
    sa.UniqueConstraint('activity_id', 'user_id', 'number', name='uq_cataloguing_attempts_activity_user_number')
    )
    with op.batch_alter_table('cataloguing_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_cataloguing_attempts_activity_state', ['activity_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_cataloguing_attempts_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_cataloguing_attempts_one_draft', ['activity_id', 'user_id'], unique=True,
                              sqlite_where=DRAFT, postgresql_where=DRAFT)


def downgrade():
    with op.batch_alter_table('cataloguing_attempts', schema=None) as batch_op:
        batch_op.drop_index('uq_cataloguing_attempts_one_draft', sqlite_where=DRAFT, postgresql_where=DRAFT)
        batch_op.drop_index(batch_op.f('ix_cataloguing_attempts_user_id'))
        batch_op.drop_index('ix_cataloguing_attempts_activity_state')
    op.drop_table('cataloguing_attempts')
    op.drop_table('cataloguing_exercises')
