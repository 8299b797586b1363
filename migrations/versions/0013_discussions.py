"""discussions: threads, posts, revisions, reports, moderation log, subscriptions, reads, outbox

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 14:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'forum_threads',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('module_id', sa.Integer(), nullable=True),
        sa.Column('workshop_id', sa.Integer(), nullable=True),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('is_question', sa.Boolean(), nullable=False),
        sa.Column('answered', sa.Boolean(), nullable=False),
        sa.Column('pinned', sa.Boolean(), nullable=False),
        sa.Column('locked', sa.Boolean(), nullable=False),
        sa.Column('hidden', sa.Boolean(), nullable=False),
        sa.Column('hidden_reason', sa.Text(), nullable=False),
        sa.Column('post_count', sa.Integer(), nullable=False),
        sa.Column('search_text', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('last_post_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('module_id IS NULL OR workshop_id IS NULL', name=op.f('ck_forum_threads_one_place')),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_forum_threads_author_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_forum_threads_course_id_courses'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_forum_threads_module_id_modules'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'],
                                name=op.f('fk_forum_threads_workshop_id_workshops'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_threads')),
    )
    op.create_index('ix_forum_threads_course_last', 'forum_threads', ['course_id', 'last_post_at'])
    op.create_index(op.f('ix_forum_threads_module_id'), 'forum_threads', ['module_id'])
    op.create_index(op.f('ix_forum_threads_workshop_id'), 'forum_threads', ['workshop_id'])

    op.create_table(
        'forum_posts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('thread_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('quote_of_id', sa.Integer(), nullable=True),
        sa.Column('body_md', sa.Text(), nullable=False),
        sa.Column('body_html', sa.Text(), nullable=False),
        sa.Column('is_first', sa.Boolean(), nullable=False),
        sa.Column('is_answer', sa.Boolean(), nullable=False),
        sa.Column('hidden', sa.Boolean(), nullable=False),
        sa.Column('hidden_reason', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('edited_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_forum_posts_author_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['quote_of_id'], ['forum_posts.id'],
                                name=op.f('fk_forum_posts_quote_of_id_forum_posts'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['thread_id'], ['forum_threads.id'],
                                name=op.f('fk_forum_posts_thread_id_forum_threads'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_posts')),
    )
    op.create_index(op.f('ix_forum_posts_author_id'), 'forum_posts', ['author_id'])
    op.create_index('ix_forum_posts_thread_created', 'forum_posts', ['thread_id', 'created_at'])

    op.create_table(
        'forum_post_revisions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('post_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=True),
        sa.Column('body_md', sa.Text(), nullable=False),
        sa.Column('edited_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['edited_by_id'], ['users.id'],
                                name=op.f('fk_forum_post_revisions_edited_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['post_id'], ['forum_posts.id'],
                                name=op.f('fk_forum_post_revisions_post_id_forum_posts'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_post_revisions')),
    )
    op.create_index(op.f('ix_forum_post_revisions_post_id'), 'forum_post_revisions', ['post_id'])

    op.create_table(
        'forum_reports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('post_id', sa.Integer(), nullable=False),
        sa.Column('reporter_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('resolved_at', sa.DateTime(), nullable=True),
        sa.Column('resolved_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['post_id'], ['forum_posts.id'], name=op.f('fk_forum_reports_post_id_forum_posts'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_forum_reports_reporter_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'],
                                name=op.f('fk_forum_reports_resolved_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_reports')),
        sa.UniqueConstraint('post_id', 'reporter_id', name='uq_forum_reports_post_reporter'),
    )

    op.create_table(
        'forum_audit',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('thread_id', sa.Integer(), nullable=True),
        sa.Column('post_id', sa.Integer(), nullable=True),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('action', sa.String(length=20), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('detail', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_forum_audit_actor_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_forum_audit_course_id_courses'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['post_id'], ['forum_posts.id'], name=op.f('fk_forum_audit_post_id_forum_posts'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['thread_id'], ['forum_threads.id'],
                                name=op.f('fk_forum_audit_thread_id_forum_threads'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_audit')),
    )
    op.create_index(op.f('ix_forum_audit_course_id'), 'forum_audit', ['course_id'])

    op.create_table(
        'forum_subscriptions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('thread_id', sa.Integer(), nullable=True),
        sa.Column('module_id', sa.Integer(), nullable=True),
        sa.Column('workshop_id', sa.Integer(), nullable=True),
        sa.Column('scope', sa.String(length=40), nullable=False),
        sa.Column('mode', sa.String(length=10), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("mode IN ('instant', 'digest')", name=op.f('ck_forum_subscriptions_mode')),
        sa.ForeignKeyConstraint(['course_id'], ['courses.id'],
                                name=op.f('fk_forum_subscriptions_course_id_courses'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['module_id'], ['modules.id'],
                                name=op.f('fk_forum_subscriptions_module_id_modules'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['thread_id'], ['forum_threads.id'],
                                name=op.f('fk_forum_subscriptions_thread_id_forum_threads'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_forum_subscriptions_user_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'],
                                name=op.f('fk_forum_subscriptions_workshop_id_workshops'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_subscriptions')),
        sa.UniqueConstraint('user_id', 'scope', name='uq_forum_subscriptions_user_scope'),
    )
    op.create_index(op.f('ix_forum_subscriptions_course_id'), 'forum_subscriptions', ['course_id'])
    op.create_index(op.f('ix_forum_subscriptions_thread_id'), 'forum_subscriptions', ['thread_id'])

    op.create_table(
        'forum_reads',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('thread_id', sa.Integer(), nullable=False),
        sa.Column('read_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['thread_id'], ['forum_threads.id'],
                                name=op.f('fk_forum_reads_thread_id_forum_threads'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_forum_reads_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'thread_id', name=op.f('pk_forum_reads')),
    )
    op.create_index(op.f('ix_forum_reads_thread_id'), 'forum_reads', ['thread_id'])

    op.create_table(
        'forum_visits',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('seen_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_forum_visits_course_id_courses'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_forum_visits_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'course_id', name=op.f('pk_forum_visits')),
    )

    op.create_table(
        'forum_mails',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=160), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('post_ids', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_try_at', sa.DateTime(), nullable=False),
        sa.Column('claimed_at', sa.DateTime(), nullable=True),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_forum_mails_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_mails')),
        sa.UniqueConstraint('key', name=op.f('uq_forum_mails_key')),
    )
    op.create_index('ix_forum_mails_status_next', 'forum_mails', ['status', 'next_try_at'])

    op.create_table(
        'forum_attachments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('post_id', sa.Integer(), nullable=False),
        sa.Column('stored_name', sa.String(length=64), nullable=False),
        sa.Column('original_name', sa.String(length=255), nullable=False),
        sa.Column('mime', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['post_id'], ['forum_posts.id'],
                                name=op.f('fk_forum_attachments_post_id_forum_posts'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_attachments')),
        sa.UniqueConstraint('stored_name', name=op.f('uq_forum_attachments_stored_name')),
    )
    op.create_index(op.f('ix_forum_attachments_post_id'), 'forum_attachments', ['post_id'])


def downgrade():
    op.drop_table('forum_attachments')
    op.drop_table('forum_mails')
    op.drop_table('forum_visits')
    op.drop_table('forum_reads')
    op.drop_table('forum_subscriptions')
    op.drop_table('forum_audit')
    op.drop_table('forum_reports')
    op.drop_table('forum_post_revisions')
    op.drop_table('forum_posts')
    op.drop_table('forum_threads')
