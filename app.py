"""Entry point for WSGI servers: ``gunicorn app:server``.

A server reachable from the network refuses, in one line and before it serves anything, what
would lose data or sessions: the embedded SQLite file on a PaaS's ephemeral disk (unless
PERFDASH_ALLOW_SQLITE=1) and a missing or weak PERFDASH_SECRET_KEY while sign-in is on.
gunicorn prints an ``AppImportError``'s message alone and stops (no worker boot loop, no
traceback); ``gunicorn.conf.py`` runs the same check once in the master before any worker.
"""

from perfdash.serving import served_app

app = served_app()
server = app.server
