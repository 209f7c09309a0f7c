"""logwatch-tui: a full-screen terminal log monitor with an alerting engine inside it."""

__version__ = "0.1.0"
