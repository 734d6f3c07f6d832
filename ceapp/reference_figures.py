"""Reference demographics (Census 2021) that equality reports compare attendees against.

One CSV per area, in the format docs/reference-figures.md describes. The
shipped files live in resources/reference/ (installed as ceapp.resources, so
they are found the same way in a wheel and in a checkout); a person can load
their own ward's figures from any path in the same format.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from ceapp import monitoring, resource_files
from ceapp.errors import ValidationError
from ceapp.i18n import _

FIELD = "reference"
HEADER = ("area_code", "area_name", "universe", "characteristic", "category", "percent", "source")
UNIVERSES = ("all_ages", "16_plus")
# A reference file holds a few dozen rows; anything this big is the wrong file.
MAX_BYTES = 256 * 1024
# Percents of one characteristic may miss 100 by this much (each is rounded).
SUM_TOLERANCE = 0.6
CENSUS_PREFIX = "census 2021"
NOT_ANSWERED = monitoring.NOT_ANSWERED
POPULATION = "population"
ETHNIC_GROUPS_5 = ("asian", "black", "mixed", "white", "other")

CATEGORIES: dict[str, tuple[str, ...]] = {
    "age_band": monitoring.answer_codes("age_band"),
    "sex": monitoring.answer_codes("sex"),
    "ethnic_group": monitoring.answer_codes("ethnic_group"),
    "ethnic_group_5": ETHNIC_GROUPS_5,
    "religion": monitoring.answer_codes("religion"),
    "disability": ("disabled", "not_disabled"),
    POPULATION: ("total",),
}

_NUMBER = re.compile(r"[+-]?(\d+)(?:\.(\d+))?")


@dataclass(frozen=True)
class Figure:
    percent: float
    source: str
    from_census: bool


@dataclass(frozen=True)
class Reference:
    code: str
    name: str
    universe: str
    population: int | None
    figures: dict[str, dict[str, Figure]]
    path: str

    def share(self, characteristic: str, category: str) -> float | None:
        """Percent of `category` among the known categories (not_answered left out), 0-100.

        None when the file gives no figure for it. ethnic_group_5 is summed from
        the 19 ethnic_group categories by prefix when the file gives only those.
        """
        if category == NOT_ANSWERED:
            return None
        if characteristic == "ethnic_group_5" and characteristic not in self.figures:
            return self._group_share(category)
        given = self.figures.get(characteristic, {})
        if category not in given:
            return None
        known = sum(f.percent for code, f in given.items() if code != NOT_ANSWERED)
        return 100 * given[category].percent / known if known else None

    def _group_share(self, group: str) -> float | None:
        detailed = self.figures.get("ethnic_group")
        if not detailed or group not in ETHNIC_GROUPS_5:
            return None
        known = sum(f.percent for code, f in detailed.items() if code != NOT_ANSWERED)
        in_group = sum(f.percent for code, f in detailed.items() if code.startswith(group + "_"))
        return 100 * in_group / known if known else None

    def universe_label(self) -> str:
        return _("aged 16 and over") if self.universe == "16_plus" else _("all ages")


def _reference_folder():
    # The package holding the fonts also holds resources/reference.
    return files(resource_files.FONTS_PACKAGE) / "reference"


def shipped() -> list[Reference]:
    """Every shipped area's figures, sorted by area name."""
    folder = _reference_folder()
    found = [
        _parse(entry.read_bytes(), entry.name, str(entry))
        for entry in folder.iterdir()
        if entry.name.endswith(".csv") and entry.is_file()
    ]
    return sorted(found, key=lambda reference: reference.name.casefold())


def find(name_or_path: str) -> Reference:
    """A shipped area by code or name (any case), or the CSV file at a path."""
    wanted = (name_or_path or "").strip()
    areas = shipped()
    for reference in areas:
        if wanted.casefold() in (reference.code.casefold(), reference.name.casefold()):
            return reference
    if wanted.lower().endswith(".csv") or Path(wanted).exists():
        return load_csv(wanted)
    raise ValidationError(
        FIELD,
        _(
            "There are no reference figures for '{name}'. Give an area code or name from: "
            "{areas}; or the path to a reference CSV file."
        ).format(name=wanted, areas=", ".join(f"{ref.name} ({ref.code})" for ref in areas)),
    )


def load_csv(path: str) -> Reference:
    """Read a reference CSV; a file that is not in the format is refused with what to fix."""
    file = Path(path)
    name = file.name or str(path)
    try:
        if file.is_dir():
            raise ValidationError(
                FIELD,
                _("{path} is a folder; choose the reference CSV file inside it.").format(path=path),
            )
        size = file.stat().st_size
        if size > MAX_BYTES:
            raise ValidationError(
                FIELD,
                _(
                    "{name} is {size} KB; a reference file holds a few dozen rows and may be "
                    "at most {limit} KB. Check that you chose the right file."
                ).format(name=name, size=size // 1024, limit=MAX_BYTES // 1024),
            )
        data = file.read_bytes()
    except FileNotFoundError:
        raise ValidationError(
            FIELD,
            _("There is no file at {path}. Check the path and try again.").format(path=path),
        ) from None
    except OSError as error:
        raise ValidationError(
            FIELD,
            _("{name} could not be read ({reason}). Check the path and try again.").format(
                name=name, reason=error.strerror or error.__class__.__name__
            ),
        ) from None
    return _parse(data, name, str(path))


def parse_bytes(data: bytes, name: str = "reference.csv") -> Reference:
    """Read reference figures from the bytes of a CSV file (tests, imports from memory)."""
    return _parse(data, name, name)


def _refuse(name: str, line: int, message: str, **values) -> ValidationError:
    """`message` is a whole translated sentence holding {name} and {line}."""
    return ValidationError(FIELD, message.format(name=name, line=line, **values))


def _decode(data: bytes, name: str) -> str:
    if len(data) > MAX_BYTES:
        raise ValidationError(
            FIELD,
            _(
                "{name} is {size} KB; a reference file holds a few dozen rows and may be "
                "at most {limit} KB. Check that you chose the right file."
            ).format(name=name, size=len(data) // 1024, limit=MAX_BYTES // 1024),
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise _refuse(
            name,
            line,
            _(
                "{name}, line {line}: the file is not UTF-8 text. "
                'Save it as "CSV UTF-8" and load it again.'
            ),
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise _refuse(
            name,
            line,
            _(
                "{name}, line {line}: the file holds binary data, not CSV text. "
                "Check you chose the right file."
            ),
        )
    return text


def _rows(text: str, name: str):
    """(line number, fields) for every line that is not blank or a # comment."""
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            fields = next(csv.reader([line], strict=True))
        except csv.Error:
            raise _refuse(
                name,
                number,
                _("{name}, line {line}: this row is not valid CSV (check its quotation marks)."),
            ) from None
        yield number, [field.strip() for field in fields]


def _percent(text: str, name: str, line: int, *, count: bool) -> float:
    match = _NUMBER.fullmatch(text)
    if count:
        if not match or match.group(2) is not None or text.startswith(("-", "+")):
            raise _refuse(
                name,
                line,
                _(
                    "{name}, line {line}: the population must be a whole number of people, "
                    "like 264238; "
                    "found '{value}'."
                ),
                value=text,
            )
        value = int(text)
        if value < 1:
            raise _refuse(name, line, _("{name}, line {line}: the population must be at least 1."))
        return value
    if not match:
        raise _refuse(
            name,
            line,
            _("{name}, line {line}: the percent must be a number like 12.5; found '{value}'."),
            value=text,
        )
    if match.group(2) is not None and len(match.group(2)) > 2:
        raise _refuse(
            name,
            line,
            _("{name}, line {line}: the percent {value} has more than 2 decimals; round it to 2."),
            value=text,
        )
    value = float(text)
    if not 0 <= value <= 100:
        raise _refuse(
            name,
            line,
            _("{name}, line {line}: the percent {value} is outside 0 to 100."),
            value=text,
        )
    return value


def _parse(data: bytes, name: str, path: str) -> Reference:
    text = _decode(data, name)
    rows = _rows(text, name)
    first = next(rows, None)
    if first is None:
        raise ValidationError(
            FIELD,
            _(
                "{name} is empty. A reference file starts with the header row {header} "
                "and has one row per figure."
            ).format(name=name, header=",".join(HEADER)),
        )
    line, header = first
    if tuple(field.lower() for field in header) != HEADER:
        raise _refuse(
            name,
            line,
            _("{name}, line {line}: the first row must be the header {header}; found {found}."),
            header=",".join(HEADER),
            found=",".join(header)[:200],
        )
    area: tuple[str, str, str, int] | None = None
    figures: dict[str, dict[str, Figure]] = {}
    seen: dict[tuple[str, str], int] = {}
    first_line: dict[str, int] = {}
    population: int | None = None
    for line, fields in rows:
        if len(fields) != len(HEADER):
            raise _refuse(
                name,
                line,
                _(
                    "{name}, line {line}: this row has {found} values; "
                    "every row needs {expected}: {header}."
                ),
                found=len(fields),
                expected=len(HEADER),
                header=",".join(HEADER),
            )
        code, area_name, universe, characteristic, category, percent, source = fields
        for column, value in zip(HEADER, fields, strict=True):
            if not value:
                raise _refuse(
                    name,
                    line,
                    _("{name}, line {line}: the {column} column is empty."),
                    column=column,
                )
        if universe not in UNIVERSES:
            raise _refuse(
                name,
                line,
                _(
                    "{name}, line {line}: the universe must be all_ages or 16_plus; "
                    "found '{value}'."
                ),
                value=universe,
            )
        if area is None:
            area = (code, area_name, universe, line)
        elif (code, area_name, universe) != area[:3]:
            raise _refuse(
                name,
                line,
                _(
                    "{name}, line {line}: this row is for {code} {area} ({universe}) "
                    "but line {first} is for "
                    "{first_code} {first_area} ({first_universe}); a file holds one area and "
                    "one universe."
                ),
                code=code,
                area=area_name,
                universe=universe,
                first=area[3],
                first_code=area[0],
                first_area=area[1],
                first_universe=area[2],
            )
        if characteristic not in CATEGORIES:
            raise _refuse(
                name,
                line,
                _(
                    "{name}, line {line}: '{value}' is not a characteristic. "
                    "The characteristics are: {names}."
                ),
                value=characteristic,
                names=", ".join(CATEGORIES),
            )
        allowed = CATEGORIES[characteristic]
        if characteristic not in (POPULATION, "ethnic_group_5", "disability", "sex"):
            allowed = (*allowed, NOT_ANSWERED)
        if category not in allowed:
            raise _refuse(
                name,
                line,
                _(
                    "{name}, line {line}: '{value}' is not a {characteristic} category. "
                    "The categories are: {codes}."
                ),
                value=category,
                characteristic=characteristic,
                codes=", ".join(allowed),
            )
        key = (characteristic, category)
        if key in seen:
            raise _refuse(
                name,
                line,
                _(
                    "{name}, line {line}: {characteristic} {category} is given twice "
                    "(also on line {other}); keep one."
                ),
                characteristic=characteristic,
                category=category,
                other=seen[key],
            )
        seen[key] = line
        value = _percent(percent, name, line, count=characteristic == POPULATION)
        if characteristic == POPULATION:
            population = int(value)
            continue
        first_line.setdefault(characteristic, line)
        figures.setdefault(characteristic, {})[category] = Figure(
            percent=value,
            source=source,
            from_census=source.casefold().startswith(CENSUS_PREFIX),
        )
    if area is None or not figures:
        raise ValidationError(
            FIELD,
            _("{name} has no figures: add one row per category after the header.").format(
                name=name
            ),
        )
    for characteristic, given in figures.items():
        total = sum(figure.percent for figure in given.values())
        if abs(total - 100) > SUM_TOLERANCE:
            raise _refuse(
                name,
                first_line[characteristic],
                _(
                    "{name}, line {line}: the {characteristic} percents add up to {total}, "
                    "not 100. Give every category of {characteristic} (a missing one counts "
                    "as 0) or leave it out."
                ),
                characteristic=characteristic,
                total=f"{total:.2f}",
            )
    return Reference(
        code=area[0],
        name=area[1],
        universe=area[2],
        population=population,
        figures=figures,
        path=path,
    )
