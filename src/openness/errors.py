"""One root exception per stage; the CLI maps each to one line and an exit code."""

from __future__ import annotations


class OpennessError(Exception):
    """Root of every error this package raises on purpose."""


class UsageError(OpennessError):
    """The user asked for something that cannot be done as asked (exit 2)."""


class SourceError(OpennessError):
    """A target could not be opened, listed or read."""


class InventoryError(OpennessError):
    """A file could not be classified (recorded per file; rarely raised)."""


class LicenseError(OpennessError):
    """The licence knowledge or a licence text could not be processed."""


class EvidenceError(OpennessError):
    """Evidence could not be assembled."""


class FrameworkError(OpennessError):
    """A framework id is unknown or a framework failed."""


class OutputError(OpennessError):
    """The report cannot be written where asked (exit 2, checked before the audit runs)."""


class RenderError(OpennessError):
    """A report could not be rendered in the requested format."""


class RebuildError(OpennessError):
    """A rebuild recipe is invalid or a rebuild could not run."""
