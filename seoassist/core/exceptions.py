"""Errors that services raise for the user to read."""
from typing import Any


class ApplicationError(Exception):
    """Broken domain rule, with a translated `message` that states what the user should do."""

    def __init__(self, message: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class ImportFileError(ApplicationError):
    """A file could not be read; the message names the file, the line and the problem."""

    def __init__(
        self,
        message: str,
        *,
        file_name: str,
        line: int | None = None,
        column: str | int | None = None,
    ) -> None:
        super().__init__(message, extra={"file": file_name, "line": line, "column": column})
        self.file_name = file_name
        self.line = line
        self.column = column
