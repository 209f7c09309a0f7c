"""Pure logic: records, levels, formats, rules, engine, stats, store, patterns.

Nothing in this package imports Textual, Rich, watchdog, sockets or threads
(tests/unit/test_core_purity.py asserts it).
"""
