"""users.last_seen_at: when an account last made a request (at most a minute old)

Revision ID: 0011
Revises: 0009
Create Date: 2026-11-30 11:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    # Adding a nullable column is done in place on SQLite too (no table rebuild).
    op.add_column('users', sa.Column('last_seen_at', sa.DateTime(), nullable=True))
    op.execute("UPDATE users SET last_seen_at = last_login_at")


def downgrade():
    # SQLite ≥ 3.35 drops a plain column in place, so users is not rebuilt (nothing cascades).
    op.drop_column('users', 'last_seen_at')
