"""The alert history: SQLite store (:mod:`.store`) and its file format (:mod:`.schema`).

Does I/O and locking, so it sits above ``core/``; it never imports Textual or Rich.
"""
