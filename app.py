"""Entry point for WSGI servers: ``gunicorn app:server``."""

from perfdash import create_app

app = create_app()
server = app.server
