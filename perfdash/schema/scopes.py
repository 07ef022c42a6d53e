"""The artists an account is limited to (the artist scopes migration).

A user or an API token with rows here reads only the releases whose ``artist_name`` is one of
them; one without rows reads the whole catalog, as every account did before.  Rows and not a
column of names: an artist name may hold any character a list would be split on, and the rows
go with their account (ON DELETE CASCADE).
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Table

from perfdash.schema.tables import metadata

user_artists = Table(
    "perfdash_user_artists",
    metadata,
    Column(
        "user_id",
        Integer,
        ForeignKey("perfdash_users.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("artist_name", String(255), primary_key=True),
)

token_artists = Table(
    "perfdash_token_artists",
    metadata,
    Column(
        "token_id",
        Integer,
        ForeignKey("perfdash_api_tokens.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("artist_name", String(255), primary_key=True),
)
