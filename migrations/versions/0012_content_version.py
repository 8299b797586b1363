"""courses.content_version: bumped by every edit of the course's content (outline cache key)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 13:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    # A NOT NULL column with a server default is added in place on SQLite too (no table rebuild, so
    # nothing cascades from courses).
    op.add_column('courses', sa.Column('content_version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    # SQLite ≥ 3.35 drops a plain column in place.
    op.drop_column('courses', 'content_version')
