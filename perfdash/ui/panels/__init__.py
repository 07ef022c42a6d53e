"""Pieces a page embeds that are not pages themselves: notes on a chart (``annotations``), how
fresh the numbers are (``freshness``), "Collect now" (``collect_now``).  A panel is told which
of its page's components it reads, so it never imports a page."""
