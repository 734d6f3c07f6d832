"""Writing a report to a file: the format by name, the file replaced whole or not at all."""

from __future__ import annotations

import importlib
import os
import tempfile
from collections.abc import Callable

from ceapp.errors import ValidationError
from ceapp.i18n import _
from ceapp.validation import excerpt

FORMATS = ("csv", "xlsx", "json", "pdf")


_WRITERS = {
    "csv": ("ceapp.reports.equality_csv", "to_csv"),
    "xlsx": ("ceapp.reports.equality_xlsx", "to_xlsx"),
    "json": ("ceapp.reports.equality_json", "to_json"),
    "pdf": ("ceapp.reports.equality_pdf", "to_pdf"),
}


def _writer(fmt: str) -> Callable:
    # Only the one asked for is imported: reportlab and openpyxl take a while to load.
    module, name = _WRITERS[fmt]
    return getattr(importlib.import_module(module), name)


def check_out_path(path: str | None, fmt: str) -> str:
    """Refuse an output name that cannot be written, before any work is done."""
    if not path or not path.strip() or "\x00" in path:
        raise ValidationError("out", _("Give the name of the file to write the report to."))
    if os.path.isdir(path):
        raise ValidationError(
            "out", _("{path} is a folder; give a file name for the report.").format(path=path)
        )
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ValidationError(
            "out",
            _("The folder {folder} does not exist; create it or choose another.").format(
                folder=folder
            ),
        )
    if not fmt:
        raise ValidationError(
            "format",
            _(
                "Say which format to write: give --format ({formats}) or end the file name "
                "with one of them."
            ).format(formats=", ".join(FORMATS)),
        )
    if fmt not in FORMATS:
        raise ValidationError(
            "format",
            _("'{value}' is not a report format. Choose one of: {formats}.").format(
                value=excerpt(fmt), formats=", ".join(FORMATS)
            ),
        )
    return folder


def write_report(report, *, fmt: str, path: str) -> int:
    """Write `report` as `fmt` to `path`; returns the bytes written.

    The file is written beside its target and moved into place, so a report
    already there is replaced whole or left as it was.
    """
    folder = check_out_path(path, fmt)
    data = _writer(fmt)(report)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".ceapp-report-", suffix="." + fmt)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except OSError as error:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise ValidationError(
            "out",
            _("Could not write {path}: {reason}.").format(
                path=path, reason=error.strerror or error
            ),
        ) from None
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return len(data)
