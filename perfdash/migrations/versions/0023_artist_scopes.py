"""Artist-scoped accounts: two new tables, no existing row touched.

``perfdash_user_artists`` and ``perfdash_token_artists`` hold the artists a user or an API
token is limited to; an account without rows keeps reading the whole catalog.  The rows go
with their account when it is removed.

Revision ID: 0023
Revises: 0022
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "perfdash_user_artists",
        sa.Column(
            "user_id",
            sa.Integer,
            sa.ForeignKey("perfdash_users.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("artist_name", sa.String(255), primary_key=True),
    )
    op.create_table(
        "perfdash_token_artists",
        sa.Column(
            "token_id",
            sa.Integer,
            sa.ForeignKey("perfdash_api_tokens.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("artist_name", sa.String(255), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("perfdash_token_artists")
    op.drop_table("perfdash_user_artists")
