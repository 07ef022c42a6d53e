"""One module or folder per page, each with ``layout(query)`` and ``register(app)``; the shell
lists them.  A page never imports another page: what two pages share is in
``perfdash.ui.components`` or ``perfdash.ui.panels``."""
