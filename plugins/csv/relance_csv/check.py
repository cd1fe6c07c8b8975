"""``relance check`` for a CSV source: the files are found and read, every row is checked.

The whole file is read (nothing is written): the check reports what a run would read,
and every problem a run would stop on. Those are the user's to fix (``input_error``):
``relance check`` exits 1 for them, as ``relance plan`` does.
"""

from __future__ import annotations

from collections.abc import Iterator

from relance import CheckResult, CheckStatus
from relance.i18n import _
from relance_csv.reader import Source, read_invoices
from relance_csv.report import ReadReport
from relance_csv.settings import CsvSettings


def check_connection(settings: CsvSettings, source: Source) -> Iterator[CheckResult]:
    """The results ``relance check`` shows for one CSV instance."""
    report = ReadReport()
    for _invoice in read_invoices(settings, source, report):
        pass
    for described in report.files:
        yield CheckResult(summary=described)
    yield CheckResult(
        summary=_(
            "{rows} rows: {invoices} open invoices, {credits} credit notes or payments, "
            "{paid} paid, {customers} customers"
        ).format(
            rows=report.rows,
            invoices=report.invoices,
            credits=report.credits,
            paid=report.paid,
            customers=report.customers,
        )
    )
    if report.problem_count:
        if settings.skip_invalid:
            status, summary = CheckStatus.WARNING, _("{count} invalid row(s) will be skipped")
        else:
            status, summary = (
                CheckStatus.ERROR,
                _("{count} problem(s): nothing is planned until they are fixed"),
            )
        yield CheckResult(
            status=status,
            summary=summary.format(count=report.problem_count),
            detail="\n".join(str(problem) for problem in report.listed_problems()),
            input_error=True,
        )
    for warning in report.warnings:
        yield CheckResult(status=CheckStatus.WARNING, summary=warning)
    yield from _folders(settings)


def _folders(settings: CsvSettings) -> Iterator[CheckResult]:
    if settings.documents is not None:
        if settings.documents.is_dir():
            count = sum(1 for _pdf in settings.documents.glob("*.pdf"))
            yield CheckResult(
                summary=_("{count} PDF invoices in {folder}").format(
                    count=count, folder=settings.documents
                )
            )
        else:
            yield CheckResult(
                status=CheckStatus.ERROR,
                summary=_("the documents folder {folder} does not exist").format(
                    folder=settings.documents
                ),
                input_error=True,
            )
    if settings.journal is not None and not settings.journal.parent.is_dir():
        yield CheckResult(
            status=CheckStatus.ERROR,
            summary=_("the folder of the journal {path} does not exist").format(
                path=settings.journal
            ),
            input_error=True,
        )
