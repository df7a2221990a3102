"""Coverage analysis: where people in digital difficulty live versus where help is.

The computation lives in ``aiguillage.coverage.engine`` (plain Python and numpy,
no database); the Django app built on it stores runs and shows maps and tables.
The method is described in docs/coverage.md.
"""
