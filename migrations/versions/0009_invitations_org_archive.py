"""invitations (their own "set your password" links) and archived org units

- ``invitations``: one row per invitation mail; only the token's SHA-256 is stored; 7 days, single use;
- ``org_units.archived_at``: archived units are hidden from pickers, their users stay;
- org codes are normalised to upper case (a code whose upper-case form another unit already has is
  left as it is, so no row is lost). The downgrade keeps the upper-case codes.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 10:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_invitations_invited_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_invitations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invitations_token_hash'))
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitations_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('org_units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(), nullable=True))
    op.execute(sa.text(
        "UPDATE org_units SET code = UPPER(code) WHERE code <> UPPER(code) AND NOT EXISTS "
        "(SELECT 1 FROM org_units AS o2 WHERE o2.id <> org_units.id AND UPPER(o2.code) = UPPER(org_units.code))"))


def downgrade():
    with op.batch_alter_table('org_units', schema=None) as batch_op:
        batch_op.drop_column('archived_at')
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitations_user_id'))
    op.drop_table('invitations')
