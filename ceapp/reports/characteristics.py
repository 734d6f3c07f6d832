"""What an equality report breaks attendees down by, and how each slip answer counts.

Most characteristics are one monitoring question as asked. Two are derived,
as the Census derives them: the five high-level ethnic groups (from the 19
categories), and disability under the Equality Act (a long-term condition
that reduces day-to-day activities a lot or a little).
"""

from __future__ import annotations

from dataclasses import dataclass

from ceapp.i18n import N_, _
from ceapp.monitoring import NOT_ANSWERED, PREFER_NOT_TO_SAY, QUESTIONS, answer_codes
from ceapp.monitoring import QUESTION_LABELS as _QUESTION_LABELS

UNANSWERED = (PREFER_NOT_TO_SAY, NOT_ANSWERED)


@dataclass(frozen=True)
class Characteristic:
    name: str
    label: str  # untranslated; label_text() translates
    codes: tuple[str, ...]  # the answers that count, in slip order
    # Census 2021 publishes figures for it, so reports compare with the population.
    compared: bool = False

    def label_text(self) -> str:
        return _(self.label)

    def category_label(self, code: str) -> str:
        if self.name == "ethnic_group_5":
            return _(dict(ETHNIC_GROUPS_5)[code])
        if self.name == "disability":
            return _(dict(DISABILITY)[code])
        return QUESTIONS[self.name].label(code)


ETHNIC_GROUPS_5 = (
    ("asian", N_("Asian or Asian British")),
    ("black", N_("Black, Black British, Caribbean or African")),
    ("mixed", N_("Mixed or Multiple ethnic groups")),
    ("white", N_("White")),
    ("other", N_("Other ethnic group")),
)
DISABILITY = (
    ("disabled", N_("Disabled under the Equality Act")),
    ("not_disabled", N_("Not disabled")),
)


def _asked(name: str, *, compared: bool = False) -> Characteristic:
    return Characteristic(name, _QUESTION_LABELS[name], answer_codes(name), compared=compared)


CHARACTERISTICS: tuple[Characteristic, ...] = (
    _asked("age_band", compared=True),
    _asked("sex", compared=True),
    Characteristic(
        "ethnic_group_5",
        N_("Ethnic group (five groups)"),
        tuple(code for code, _label in ETHNIC_GROUPS_5),
        compared=True,
    ),
    _asked("ethnic_group", compared=True),
    _asked("religion", compared=True),
    Characteristic(
        "disability",
        N_("Disability"),
        tuple(code for code, _label in DISABILITY),
        compared=True,
    ),
    _asked("gender_same_as_birth"),
    _asked("sexual_orientation"),
    _asked("marital_status"),
    _asked("pregnancy_maternity"),
    _asked("carer"),
    _asked("first_language"),
)
BY_NAME = {each.name: each for each in CHARACTERISTICS}

# The slip columns each characteristic is counted from.
SOURCE_COLUMNS: dict[str, tuple[str, ...]] = {
    each.name: (each.name,) for each in CHARACTERISTICS if each.name in QUESTIONS
}
SOURCE_COLUMNS["ethnic_group_5"] = ("ethnic_group",)
SOURCE_COLUMNS["disability"] = ("long_term_condition", "condition_impact")


def category_of(name: str, answers: tuple[str, ...]) -> str:
    """The category (or unanswered code) a slip's answers to SOURCE_COLUMNS[name] count under."""
    if name == "ethnic_group_5":
        (code,) = answers
        return code if code in UNANSWERED else code.split("_", 1)[0]
    if name == "disability":
        condition, impact = answers
        if impact in ("a_lot", "a_little") and condition != "no":
            # The impact question follows a "yes"; answering it says yes.
            return "disabled"
        if condition == "no" or impact == "not_at_all":
            return "not_disabled"
        if condition == "yes":
            # A condition whose effect the slip does not give is not known to be a disability.
            return impact
        return condition
    (code,) = answers
    return code


# Short names for plain-English findings ("Bangladeshi residents are ...").
FINDING_NAMES: dict[tuple[str, str], str] = {
    ("age_band", "16_24"): N_("Residents aged 16 to 24"),
    ("age_band", "25_34"): N_("Residents aged 25 to 34"),
    ("age_band", "35_44"): N_("Residents aged 35 to 44"),
    ("age_band", "45_54"): N_("Residents aged 45 to 54"),
    ("age_band", "55_64"): N_("Residents aged 55 to 64"),
    ("age_band", "65_74"): N_("Residents aged 65 to 74"),
    ("age_band", "75_plus"): N_("Residents aged 75 or over"),
    ("age_band", "under_16"): N_("Children under 16"),
    ("sex", "female"): N_("Women"),
    ("sex", "male"): N_("Men"),
    ("ethnic_group_5", "asian"): N_("Asian residents"),
    ("ethnic_group_5", "black"): N_("Black residents"),
    ("ethnic_group_5", "mixed"): N_("Residents of mixed ethnicity"),
    ("ethnic_group_5", "white"): N_("White residents"),
    ("ethnic_group_5", "other"): N_("Residents of other ethnic groups"),
    ("ethnic_group", "white_british"): N_("White British residents"),
    ("ethnic_group", "white_irish"): N_("Irish residents"),
    ("ethnic_group", "white_gypsy_traveller"): N_("Gypsy or Irish Traveller residents"),
    ("ethnic_group", "white_roma"): N_("Roma residents"),
    ("ethnic_group", "white_other"): N_("Residents of other White backgrounds"),
    ("ethnic_group", "mixed_white_black_caribbean"): N_(
        "Residents of mixed White and Black Caribbean ethnicity"
    ),
    ("ethnic_group", "mixed_white_black_african"): N_(
        "Residents of mixed White and Black African ethnicity"
    ),
    ("ethnic_group", "mixed_white_asian"): N_("Residents of mixed White and Asian ethnicity"),
    ("ethnic_group", "mixed_other"): N_("Residents of other mixed backgrounds"),
    ("ethnic_group", "asian_indian"): N_("Indian residents"),
    ("ethnic_group", "asian_pakistani"): N_("Pakistani residents"),
    ("ethnic_group", "asian_bangladeshi"): N_("Bangladeshi residents"),
    ("ethnic_group", "asian_chinese"): N_("Chinese residents"),
    ("ethnic_group", "asian_other"): N_("Residents of other Asian backgrounds"),
    ("ethnic_group", "black_caribbean"): N_("Black Caribbean residents"),
    ("ethnic_group", "black_african"): N_("Black African residents"),
    ("ethnic_group", "black_other"): N_("Residents of other Black backgrounds"),
    ("ethnic_group", "other_arab"): N_("Arab residents"),
    ("ethnic_group", "other_any"): N_("Residents of any other ethnic group"),
    ("religion", "none"): N_("Residents with no religion"),
    ("religion", "christian"): N_("Christian residents"),
    ("religion", "buddhist"): N_("Buddhist residents"),
    ("religion", "hindu"): N_("Hindu residents"),
    ("religion", "jewish"): N_("Jewish residents"),
    ("religion", "muslim"): N_("Muslim residents"),
    ("religion", "sikh"): N_("Sikh residents"),
    ("religion", "other"): N_("Residents of other religions"),
    ("disability", "disabled"): N_("Disabled residents"),
    ("disability", "not_disabled"): N_("Residents who are not disabled"),
}


def finding_name(name: str, code: str) -> str:
    text = FINDING_NAMES.get((name, code))
    return _(text) if text else BY_NAME[name].category_label(code)
