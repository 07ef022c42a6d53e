"""The Flask layer under every face: sign-in pages and sessions (``login``), security headers,
request ids and error pages (``security``).  Plain Flask, no Dash: it guards the API and the
Dash app alike, and is installed on the server before either is registered."""
