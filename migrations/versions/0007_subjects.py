"""Subjects, enrolments, the subject's practice bank (exams), tutor sessions, their messages and
practice tests.

Reviewed by hand: everything cascades from its subject and its user; a practice test outlives
its session (SET NULL) so the professor's analytics keep it; a subject whose professor is
deleted stays, without a professor (SET NULL).

Revision ID: 0007_subjects
Revises: 0006_generation
Create Date: 2026-12-04 14:55:28.392011

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_subjects'
down_revision = '0006_generation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('subjects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('guide', sa.Text(), nullable=False),
    sa.Column('professor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['professor_id'], ['users.id'], name=op.f('fk_subjects_professor_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subjects')),
    sa.UniqueConstraint('code', name=op.f('uq_subjects_code'))
    )
    with op.batch_alter_table('subjects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subjects_professor_id'), ['professor_id'], unique=False)

    op.create_table('enrollments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['subject_id'], ['subjects.id'], name=op.f('fk_enrollments_subject_id_subjects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_enrollments_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollments')),
    sa.UniqueConstraint('subject_id', 'user_id', name=op.f('uq_enrollments_subject_id_user_id'))
    )
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrollments_user_id'), ['user_id'], unique=False)

    op.create_table('subject_exams',
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('exam_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['exam_id'], ['exams.id'], name=op.f('fk_subject_exams_exam_id_exams'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subject_id'], ['subjects.id'], name=op.f('fk_subject_exams_subject_id_subjects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('subject_id', 'exam_id', name=op.f('pk_subject_exams'))
    )
    with op.batch_alter_table('subject_exams', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subject_exams_exam_id'), ['exam_id'], unique=False)

    op.create_table('tutor_sessions',
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_active', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['subject_id'], ['subjects.id'], name=op.f('fk_tutor_sessions_subject_id_subjects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_tutor_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tutor_sessions'))
    )
    with op.batch_alter_table('tutor_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tutor_sessions_subject_id'), ['subject_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tutor_sessions_user_id'), ['user_id'], unique=False)

    op.create_table('practice_tests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.String(length=100), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('question_ids', sa.JSON(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('correct', sa.Integer(), nullable=False),
    sa.Column('score', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['tutor_sessions.id'], name=op.f('fk_practice_tests_session_id_tutor_sessions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['subject_id'], ['subjects.id'], name=op.f('fk_practice_tests_subject_id_subjects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_practice_tests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_tests'))
    )
    with op.batch_alter_table('practice_tests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_tests_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_practice_tests_subject_id'), ['subject_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_practice_tests_user_id'), ['user_id'], unique=False)

    op.create_table('tutor_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['tutor_sessions.id'], name=op.f('fk_tutor_messages_session_id_tutor_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tutor_messages'))
    )
    with op.batch_alter_table('tutor_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tutor_messages_session_id'), ['session_id'], unique=False)



def downgrade():
    with op.batch_alter_table('tutor_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tutor_messages_session_id'))

    op.drop_table('tutor_messages')
    with op.batch_alter_table('practice_tests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_tests_user_id'))
        batch_op.drop_index(batch_op.f('ix_practice_tests_subject_id'))
        batch_op.drop_index(batch_op.f('ix_practice_tests_session_id'))

    op.drop_table('practice_tests')
    with op.batch_alter_table('tutor_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tutor_sessions_user_id'))
        batch_op.drop_index(batch_op.f('ix_tutor_sessions_subject_id'))

    op.drop_table('tutor_sessions')
    with op.batch_alter_table('subject_exams', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subject_exams_exam_id'))

    op.drop_table('subject_exams')
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrollments_user_id'))

    op.drop_table('enrollments')
    with op.batch_alter_table('subjects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subjects_professor_id'))

    op.drop_table('subjects')
