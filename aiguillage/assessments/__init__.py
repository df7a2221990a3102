"""Shared digital-maturity assessment: versioned referential, screening, in-depth, progress.

The pure engine lives in ``aiguillage.assessments.engine`` (no database); the referential
files in ``aiguillage/assessments/referential/``; the Django app around them (versions stored
in the database, assessments, pages, statistics) in this package. See docs/assessment.md and
docs/assessments-app.md.
"""
