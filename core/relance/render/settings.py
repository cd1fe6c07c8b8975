"""``[templates]``: where the user's own templates live, the informal variant, how many
processes render, and how much of the invoices an email carries."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from relance.settings import ConfigPath

__all__ = ["TemplateSettings"]


class TemplateSettings(BaseModel):
    """``[templates]``: a folder whose files override relance's templates by name."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: ConfigPath | None = Field(
        None, description="folder of your templates, e.g. 'templates' (fr/first.j2...)"
    )
    informal_tag: str | None = Field(
        "tu",
        description="customers with this tag get the informal wording (fr/first.tu.j2)",
    )
    workers: int | None = Field(
        None,
        ge=1,
        description="processes rendering a run's messages; default: every core once a run "
        "has 100 letters to lay out, else 1 (in the relance process)",
    )
    attachments_max_mb: Decimal = Field(
        Decimal(8),
        ge=0,
        description="megabytes the invoices' PDFs (and the letter's, when the reminder also "
        "goes by post) may take in an email (encoded); the oldest invoices are attached "
        "first, the others offered on request; 0 fetches, attaches and offers none",
    )

    @property
    def attachments_limit(self) -> int:
        """``attachments_max_mb`` in bytes."""
        return int(self.attachments_max_mb * 1_000_000)
