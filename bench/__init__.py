"""Benchmarks of the places directory: search near a point and file imports.

Run them all with ``make bench`` (or ``.venv/bin/python -m bench.run_all``); the figures
and how they were measured are in docs/benchmarks.md. Each benchmark runs in its own
process per database, because Django binds its database when it starts.
"""
