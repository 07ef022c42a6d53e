"""The Dash user interface: the shell (navigation, routing) and one module per tab."""
