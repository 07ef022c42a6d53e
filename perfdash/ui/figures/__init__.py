"""Pure figure builders: DataFrames in, Plotly figures out, no database and no Dash callbacks.
``charts`` draws the dashboard (time series, platform bars and share), ``insights`` the notes
and approval markers and the launch curves."""
