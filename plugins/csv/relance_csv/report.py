"""What reading a file found: counts, problems and warnings.

Every problem of a read is collected, so that the user fixes the file once rather than
once per problem; only the first :data:`MAX_LISTED` are listed (a wrong date format can
make every line of a million-line file wrong).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from relance import InputError, Problem
from relance.i18n import _

log = logging.getLogger("relance_csv")

MAX_LISTED = 100


@dataclass
class ReadReport:
    """The outcome of one read of the invoices file (and the customers file)."""

    rows: int = 0
    invoices: int = 0
    credits: int = 0
    paid: int = 0
    skipped: int = 0
    customers: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    warnings: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    """How each file was read (encoding, separator, header), for ``relance check``."""

    def problem(self, where: str, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_LISTED:
            self.problems.append(Problem(where, message))

    def warn(self, message: str) -> None:
        log.warning("%s", message)
        self.warnings.append(message)

    def listed_problems(self) -> list[Problem]:
        """The problems to show, with a last line counting those left out."""
        hidden = self.problem_count - len(self.problems)
        if not hidden:
            return list(self.problems)
        more = _("... and {count} more problems").format(count=hidden)
        return [*self.problems, Problem("", more)]

    def error(self, file: str) -> InputError:
        """The error that stops a run: every problem, and how to go on anyway."""
        summary = _(
            "{file}: {count} problem(s) found; nothing is planned until they are fixed "
            "(or set skip_invalid = true to skip the rows at fault)."
        ).format(file=file, count=self.problem_count)
        return InputError(summary, self.listed_problems())

    def log_skipped(self, file: str) -> None:
        """With ``skip_invalid``: say which rows were left out, as warnings."""
        self.warn(_("{file}: {count} invalid row(s) skipped").format(file=file, count=self.skipped))
        for problem in self.listed_problems():
            self.warn(str(problem))
