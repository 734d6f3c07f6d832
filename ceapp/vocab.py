"""Fixed vocabularies: stored codes with translatable labels.

Codes are what the database and the CLI hold; labels are for people and
are translated when shown (`choices.label(code)`), never at import time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ceapp.i18n import N_, _


@dataclass(frozen=True)
class Choices:
    name: str
    items: tuple[tuple[str, str], ...]  # (code, untranslated label)
    codes: tuple[str, ...] = field(init=False)
    _code_set: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Membership is checked for every field of every record written.
        codes = tuple(code for code, _label in self.items)
        object.__setattr__(self, "codes", codes)
        object.__setattr__(self, "_code_set", frozenset(codes))

    def __contains__(self, code: object) -> bool:
        try:
            return code in self._code_set
        except TypeError:  # unhashable input, e.g. a list typed where a code belongs
            return False

    def label(self, code: str) -> str:
        for item_code, label in self.items:
            if item_code == code:
                return _(label)
        return code

    def listing(self) -> str:
        """Codes as a comma-separated list, for messages that say what is allowed."""
        return ", ".join(self.codes)


SPECTRUM = Choices(
    "spectrum",
    (
        ("information_giving", N_("Information giving")),
        ("consultation", N_("Consultation")),
        ("deciding_together", N_("Deciding together")),
        ("acting_together", N_("Acting together")),
    ),
)

METHODS = Choices(
    "method",
    (
        ("area_forum", N_("Area forum")),
        ("public_meeting", N_("Public meeting")),
        ("focus_group", N_("Focus group")),
        ("drop_in", N_("Drop-in")),
        ("survey", N_("Survey")),
        ("workshop", N_("Workshop")),
        ("participatory_budgeting", N_("Participatory budgeting")),
        ("citizens_panel", N_("Citizens' panel")),
        ("street_stall", N_("Street stall")),
        ("walkabout", N_("Walkabout")),
        ("online", N_("Online consultation")),
        ("other", N_("Other")),
    ),
)

ATTENDANCE_ROLES = Choices(
    "role",
    (
        ("resident", N_("Resident")),
        ("councillor", N_("Councillor")),
        ("officer", N_("Officer")),
        ("partner", N_("Partner or voluntary sector")),
        ("young_person", N_("Young person (under 18)")),
    ),
)

PARTNER_KINDS = Choices(
    "kind",
    (
        ("council", N_("Council")),
        ("police", N_("Police")),
        ("nhs", N_("NHS")),
        ("fire", N_("Fire and rescue")),
        ("housing", N_("Housing provider")),
        ("education", N_("School or college")),
        ("vcs", N_("Voluntary and community sector")),
        ("other", N_("Other")),
    ),
)

GROUP_TYPES = Choices(
    "group_type",
    (
        ("residents_association", N_("Residents' or tenants' association")),
        ("faith", N_("Faith group")),
        ("youth", N_("Youth group")),
        ("older_people", N_("Older people's group")),
        ("disability", N_("Disability group")),
        ("ethnic_minority", N_("Black and minority ethnic community group")),
        ("women", N_("Women's group")),
        ("lgbt", N_("LGBT+ group")),
        ("carers", N_("Carers' group")),
        ("refugee", N_("Refugee and migrant group")),
        ("voluntary", N_("Voluntary organisation")),
        ("business", N_("Business or traders' association")),
        ("other", N_("Other")),
    ),
)

ACCESSIBILITY = Choices(
    "accessibility",
    (
        ("step_free", N_("Step-free access")),
        ("hearing_loop", N_("Hearing loop")),
        ("bsl", N_("BSL interpreter")),
        ("interpreters", N_("Community language interpreters")),
        ("large_print", N_("Large print material")),
        ("easy_read", N_("Easy read material")),
        ("accessible_toilet", N_("Accessible toilet")),
        ("quiet_space", N_("Quiet space")),
        ("childcare", N_("Childcare")),
        ("transport", N_("Help with transport")),
    ),
)

ISSUE_STATUSES = Choices(
    "status",
    (
        ("open", N_("Open")),
        ("referred", N_("Referred to partner")),
        ("in_progress", N_("In progress")),
        ("answered", N_("Answered")),
        ("closed", N_("Closed")),
    ),
)

ISSUE_THEMES = Choices(
    "theme",
    (
        ("community_safety", N_("Community safety")),
        ("antisocial_behaviour", N_("Antisocial behaviour")),
        ("housing", N_("Housing")),
        ("environment", N_("Streets and environment")),
        ("transport", N_("Transport and parking")),
        ("health", N_("Health and wellbeing")),
        ("youth", N_("Young people")),
        ("older_people", N_("Older people")),
        ("employment", N_("Jobs and money")),
        ("facilities", N_("Community facilities")),
        ("cohesion", N_("Community cohesion")),
        ("other", N_("Other")),
    ),
)
