"""Writing a report to a file: the format by name, the file replaced whole or not at all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable

from ceapp.errors import ValidationError
from ceapp.i18n import _

FORMATS = ("csv", "xlsx", "json", "pdf")


def _writers() -> dict[str, Callable]:
    # Imported when asked for: reportlab and openpyxl take a while to load.
    from ceapp.reports.equality_csv import to_csv
    from ceapp.reports.equality_json import to_json
    from ceapp.reports.equality_pdf import to_pdf
    from ceapp.reports.equality_xlsx import to_xlsx

    return {"csv": to_csv, "xlsx": to_xlsx, "json": to_json, "pdf": to_pdf}


def check_out_path(path: str | None, fmt: str) -> str:
    """Refuse an output name that cannot be written, before any work is done."""
    if fmt not in FORMATS:
        raise ValidationError(
            "format",
            _("'{value}' is not a report format. Choose one of: {formats}.").format(
                value=fmt, formats=", ".join(FORMATS)
            ),
        )
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
    return folder


def write_report(report, *, fmt: str, path: str) -> int:
    """Write `report` as `fmt` to `path`; returns the bytes written.

    The file is written beside its target and moved into place, so a report
    already there is replaced whole or left as it was.
    """
    folder = check_out_path(path, fmt)
    data = _writers()[fmt](report)
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
