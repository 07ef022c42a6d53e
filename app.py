"""Entry point for WSGI servers: ``gunicorn app:server``."""

from perfdash import create_app

# A WSGI server is reachable from the network: login is required unless PERFDASH_AUTH=off,
# and start-up refuses a missing or weak PERFDASH_SECRET_KEY.
app = create_app(network=True)
server = app.server
