"""Per-question discussion: threaded comments, and the teacher's per-exam "discussion open" flag.

Reviewed by hand: comments go with their question (CASCADE, and so with its exam) and replies
with their parent; a deleted account's comments stay, without an author (SET NULL), shown as
"Deleted Account". `exams.discussion_open` defaults to false (sa.false() renders `false` on
PostgreSQL and 0 on SQLite), so existing exams stay closed to students who have not sat them.

Revision ID: 0004_discussion
Revises: 0003_chat
Create Date: 2026-12-04 14:55:41.008505

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_discussion'
down_revision = '0003_chat'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('discussion_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('edited_at', sa.DateTime(), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('pinned', sa.Boolean(), nullable=False),
    sa.Column('best_answer', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_discussion_comments_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['parent_id'], ['discussion_comments.id'], name=op.f('fk_discussion_comments_parent_id_discussion_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_discussion_comments_question_id_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discussion_comments'))
    )
    with op.batch_alter_table('discussion_comments', schema=None) as batch_op:
        batch_op.create_index('ix_discussion_comments_author_created', ['author_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_discussion_comments_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index('ix_discussion_comments_question_deleted', ['question_id', 'deleted'], unique=False)

    with op.batch_alter_table('exams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('discussion_open', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('exams', schema=None) as batch_op:
        batch_op.drop_column('discussion_open')

    with op.batch_alter_table('discussion_comments', schema=None) as batch_op:
        batch_op.drop_index('ix_discussion_comments_question_deleted')
        batch_op.drop_index(batch_op.f('ix_discussion_comments_parent_id'))
        batch_op.drop_index('ix_discussion_comments_author_created')

    op.drop_table('discussion_comments')
