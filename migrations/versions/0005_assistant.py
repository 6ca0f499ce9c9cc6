"""AI study assistant: each user's messages with the assistant and their daily message count.

Reviewed by hand: both tables go with their user (CASCADE); the history is read newest-last per
user through the (user_id, id) index; the count is keyed by the institute's calendar day, so
clearing the history (which deletes only assistant_messages) leaves the day's count alone.

Revision ID: 0005_assistant
Revises: 0004_discussion
Create Date: 2026-12-04 14:58:09.903947

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_assistant'
down_revision = '0004_discussion'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assistant_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('is_user', sa.Boolean(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_assistant_messages_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistant_messages'))
    )
    with op.batch_alter_table('assistant_messages', schema=None) as batch_op:
        batch_op.create_index('ix_assistant_messages_user_id_id', ['user_id', 'id'], unique=False)

    op.create_table('assistant_usage',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('used', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_assistant_usage_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'day', name=op.f('pk_assistant_usage'))
    )


def downgrade():
    op.drop_table('assistant_usage')
    with op.batch_alter_table('assistant_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_assistant_messages_user_id_id')

    op.drop_table('assistant_messages')
