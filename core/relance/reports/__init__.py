"""Reports on the receivables: aged balance, DSO, customer scores, activity, case files.

Every report is a pure function of (invoices, history events, settings, as-of date) in
its own module; :mod:`.formats` turns a report into terminal tables, CSV or JSON, and
:mod:`.html` into one self-contained page. The CLI (``relance report``,
``relance export-case``) does the reading and the writing. See ``docs/reports.md``.
"""
