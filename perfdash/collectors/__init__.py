"""Platform clients: read lifetime totals from the platforms' public APIs.

One module per source (youtube, lastfm, deezer, spotify), each a ``collect`` function over an
``httpx.Client`` that turns the releases having the identifier it needs into ``Reading``s, with
the credentials and base URLs it is handed (``env``).  ``perfdash.collect`` runs them and
records the readings through ``ingest``.  Nothing here uses an SDK, reads the process
environment or writes to the database.
"""
