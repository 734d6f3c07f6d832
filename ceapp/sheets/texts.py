"""The English texts of the printed feedback sheet: the message ids of its catalogs.

Each constant is the English text and, unchanged, the msgid a translation in
sheet_translations/<lang>.po is looked up by (ceapp.sheets.catalogs). Changing
the English of one makes every translation of it missing until translated
again, as it should: the old translation says something else.

Kept short and plain for clear print (UKAAF): one idea a sentence, everyday
words. A placeholder in braces ({page}) is filled in when the sheet is laid
out; a translation must keep every placeholder exactly as written here.

These are not the app's own interface texts (ceapp.i18n, translations/): the
sheet is printed in the language of the people at the meeting, whatever
language the app's window is in.
"""

from __future__ import annotations

HEADING = "Your views on this meeting"
INTRO = (
    "Please tell us what you thought of this meeting. It takes a few minutes. "
    "You do not have to give your name."
)
DATE = "Date"
VENUE = "Venue"
TICK_ONE = "Please tick one box"

USEFUL_QUESTION = "Was this meeting useful?"
USEFUL_VERY = "Very useful"
USEFUL_QUITE = "Quite useful"
USEFUL_PARTLY = "Partly useful"
USEFUL_NOT_VERY = "Not very useful"
USEFUL_NOT_AT_ALL = "Not at all useful"

INFLUENCE_QUESTION = "Do you feel you can influence decisions affecting your local area?"
AGREE_DEFINITELY = "Definitely agree"
AGREE_TEND = "Tend to agree"
DISAGREE_TEND = "Tend to disagree"
DISAGREE_DEFINITELY = "Definitely disagree"
DONT_KNOW = "Don't know"

MATTERS_QUESTION = "What matters most to you?"
WRITE_HERE = "Please write here"

HEAR_BACK_QUESTION = "Would you like to hear what happened as a result?"
YES = "Yes"
NO = "No"
IF_YES = "If yes, fill in the tear-off part."
TEAR_OFF = "Tear off this part. It is kept apart from your answers."
NAME = "Name"
PHONE_OR_EMAIL = "Phone or email"

PAGE = "Page {page} of {pages}"

MONITORING_HEADING = "About you (optional)"
MONITORING_INTRO = (
    "This page is optional and anonymous. Please do not write your name on it. "
    "Your answers help us check that we hear from everyone."
)

# The equality monitoring page: the Census 2021 / GSS harmonised questions of
# ceapp.monitoring, word for word (QUESTION_LABELS, then each question's
# answers). Yes and No are the sheet's own YES and NO above.
AGE = "Age"
AGE_UNDER_16 = "Under 16"
AGE_16_24 = "16 to 24"
AGE_25_34 = "25 to 34"
AGE_35_44 = "35 to 44"
AGE_45_54 = "45 to 54"
AGE_55_64 = "55 to 64"
AGE_65_74 = "65 to 74"
AGE_75_PLUS = "75 or over"
SEX = "Sex"
SEX_FEMALE = "Female"
SEX_MALE = "Male"
GENDER_SAME = "Gender the same as the sex registered at birth"
SEXUAL_ORIENTATION = "Sexual orientation"
ORIENTATION_STRAIGHT = "Straight or heterosexual"
ORIENTATION_GAY_LESBIAN = "Gay or lesbian"
ORIENTATION_BISEXUAL = "Bisexual"
ORIENTATION_OTHER = "Other sexual orientation"
ETHNIC_GROUP = "Ethnic group"
ETHNIC_WHITE_BRITISH = "White: English, Welsh, Scottish, Northern Irish or British"
ETHNIC_WHITE_IRISH = "White: Irish"
ETHNIC_WHITE_GYPSY_TRAVELLER = "White: Gypsy or Irish Traveller"
ETHNIC_WHITE_ROMA = "White: Roma"
ETHNIC_WHITE_OTHER = "White: any other White background"
ETHNIC_MIXED_WHITE_BLACK_CARIBBEAN = "Mixed: White and Black Caribbean"
ETHNIC_MIXED_WHITE_BLACK_AFRICAN = "Mixed: White and Black African"
ETHNIC_MIXED_WHITE_ASIAN = "Mixed: White and Asian"
ETHNIC_MIXED_OTHER = "Mixed: any other Mixed or Multiple background"
ETHNIC_ASIAN_INDIAN = "Asian or Asian British: Indian"
ETHNIC_ASIAN_PAKISTANI = "Asian or Asian British: Pakistani"
ETHNIC_ASIAN_BANGLADESHI = "Asian or Asian British: Bangladeshi"
ETHNIC_ASIAN_CHINESE = "Asian or Asian British: Chinese"
ETHNIC_ASIAN_OTHER = "Asian or Asian British: any other Asian background"
ETHNIC_BLACK_CARIBBEAN = "Black, Black British, Caribbean or African: Caribbean"
ETHNIC_BLACK_AFRICAN = "Black, Black British, Caribbean or African: African"
ETHNIC_BLACK_OTHER = "Black, Black British, Caribbean or African: any other Black background"
ETHNIC_OTHER_ARAB = "Other ethnic group: Arab"
ETHNIC_OTHER_ANY = "Other ethnic group: any other ethnic group"
RELIGION = "Religion"
RELIGION_NONE = "No religion"
RELIGION_CHRISTIAN = "Christian"
RELIGION_BUDDHIST = "Buddhist"
RELIGION_HINDU = "Hindu"
RELIGION_JEWISH = "Jewish"
RELIGION_MUSLIM = "Muslim"
RELIGION_SIKH = "Sikh"
RELIGION_OTHER = "Any other religion"
LONG_TERM_CONDITION = "Long-term physical or mental health condition"
CONDITION_IMPACT = "Condition reduces day-to-day activities"
IMPACT_A_LOT = "Yes, a lot"
IMPACT_A_LITTLE = "Yes, a little"
IMPACT_NOT_AT_ALL = "Not at all"
MARITAL_STATUS = "Marital or civil partnership status"
MARITAL_NEVER = "Never married or in a civil partnership"
MARITAL_MARRIED = "Married"
MARITAL_CIVIL_PARTNERSHIP = "In a civil partnership"
MARITAL_SEPARATED = "Separated"
MARITAL_DIVORCED = "Divorced or civil partnership dissolved"
MARITAL_WIDOWED = "Widowed or surviving civil partner"
PREGNANCY_MATERNITY = "Pregnant or on maternity leave"
CARER = "Unpaid carer"
FIRST_LANGUAGE = "First language"
LANGUAGE_ENGLISH = "English"
LANGUAGE_OTHER = "Another language"
PREFER_NOT_TO_SAY = "Prefer not to say"

THANK_YOU = "Thank you"
HAND_IN = "Please hand this sheet to a member of staff."

# Every text, in the order of the sheet: the order of the .po files too.
NAMES = (
    "HEADING",
    "INTRO",
    "DATE",
    "VENUE",
    "TICK_ONE",
    "USEFUL_QUESTION",
    "USEFUL_VERY",
    "USEFUL_QUITE",
    "USEFUL_PARTLY",
    "USEFUL_NOT_VERY",
    "USEFUL_NOT_AT_ALL",
    "INFLUENCE_QUESTION",
    "AGREE_DEFINITELY",
    "AGREE_TEND",
    "DISAGREE_TEND",
    "DISAGREE_DEFINITELY",
    "DONT_KNOW",
    "MATTERS_QUESTION",
    "WRITE_HERE",
    "HEAR_BACK_QUESTION",
    "YES",
    "NO",
    "IF_YES",
    "TEAR_OFF",
    "NAME",
    "PHONE_OR_EMAIL",
    "PAGE",
    "MONITORING_HEADING",
    "MONITORING_INTRO",
    "AGE",
    "AGE_UNDER_16",
    "AGE_16_24",
    "AGE_25_34",
    "AGE_35_44",
    "AGE_45_54",
    "AGE_55_64",
    "AGE_65_74",
    "AGE_75_PLUS",
    "SEX",
    "SEX_FEMALE",
    "SEX_MALE",
    "GENDER_SAME",
    "SEXUAL_ORIENTATION",
    "ORIENTATION_STRAIGHT",
    "ORIENTATION_GAY_LESBIAN",
    "ORIENTATION_BISEXUAL",
    "ORIENTATION_OTHER",
    "ETHNIC_GROUP",
    "ETHNIC_WHITE_BRITISH",
    "ETHNIC_WHITE_IRISH",
    "ETHNIC_WHITE_GYPSY_TRAVELLER",
    "ETHNIC_WHITE_ROMA",
    "ETHNIC_WHITE_OTHER",
    "ETHNIC_MIXED_WHITE_BLACK_CARIBBEAN",
    "ETHNIC_MIXED_WHITE_BLACK_AFRICAN",
    "ETHNIC_MIXED_WHITE_ASIAN",
    "ETHNIC_MIXED_OTHER",
    "ETHNIC_ASIAN_INDIAN",
    "ETHNIC_ASIAN_PAKISTANI",
    "ETHNIC_ASIAN_BANGLADESHI",
    "ETHNIC_ASIAN_CHINESE",
    "ETHNIC_ASIAN_OTHER",
    "ETHNIC_BLACK_CARIBBEAN",
    "ETHNIC_BLACK_AFRICAN",
    "ETHNIC_BLACK_OTHER",
    "ETHNIC_OTHER_ARAB",
    "ETHNIC_OTHER_ANY",
    "RELIGION",
    "RELIGION_NONE",
    "RELIGION_CHRISTIAN",
    "RELIGION_BUDDHIST",
    "RELIGION_HINDU",
    "RELIGION_JEWISH",
    "RELIGION_MUSLIM",
    "RELIGION_SIKH",
    "RELIGION_OTHER",
    "LONG_TERM_CONDITION",
    "CONDITION_IMPACT",
    "IMPACT_A_LOT",
    "IMPACT_A_LITTLE",
    "IMPACT_NOT_AT_ALL",
    "MARITAL_STATUS",
    "MARITAL_NEVER",
    "MARITAL_MARRIED",
    "MARITAL_CIVIL_PARTNERSHIP",
    "MARITAL_SEPARATED",
    "MARITAL_DIVORCED",
    "MARITAL_WIDOWED",
    "PREGNANCY_MATERNITY",
    "CARER",
    "FIRST_LANGUAGE",
    "LANGUAGE_ENGLISH",
    "LANGUAGE_OTHER",
    "PREFER_NOT_TO_SAY",
    "THANK_YOU",
    "HAND_IN",
)

# Notes for translators, written into each .po file above the text.
NOTES = {
    "HEADING": "the sheet's title, printed large",
    "DATE": "a label; the meeting's date is printed beside it",
    "VENUE": "a label; the place of the meeting is printed beside it",
    "TICK_ONE": "printed under each question with answer boxes",
    "WRITE_HERE": "above an empty space for the answer",
    "IF_YES": "the tear-off part asks for a name and a phone number or email",
    "TEAR_OFF": "heading of the tear-off part with the name and contact",
    "NAME": "a label on the tear-off part",
    "PAGE": "{page} is this page's number, {pages} how many pages there are",
    "MONITORING_HEADING": "heading of the optional equality monitoring page",
    "AGE": "equality page, a question: the person's age group; the answers are age ranges",
    "SEX": "equality page, a question (Census 2021): sex, answered Female or Male",
    "SEX_FEMALE": "an answer to Sex",
    "SEX_MALE": "an answer to Sex",
    "GENDER_SAME": (
        "equality page, a question (Census 2021 gender identity): is the person's gender "
        "the same as the sex they were registered at birth; answered Yes or No"
    ),
    "SEXUAL_ORIENTATION": "equality page, a question (Census 2021); use respectful, neutral words",
    "ORIENTATION_GAY_LESBIAN": "an answer to Sexual orientation; respectful, neutral words",
    "ETHNIC_GROUP": (
        "equality page, a question (Census 2021 ethnic groups for England); in each answer "
        "the words before the colon are the broad group, after it the group itself; use the "
        "names the language's community in the UK uses, never a slur"
    ),
    "ETHNIC_WHITE_GYPSY_TRAVELLER": "Gypsy and Irish Traveller are recognised UK ethnic groups",
    "ETHNIC_WHITE_ROMA": "Roma, a people; not a word for the city",
    "RELIGION": "equality page, a question (Census 2021): the person's religion, if any",
    "LONG_TERM_CONDITION": (
        "equality page, a question: a physical or mental health condition or illness lasting "
        "or expected to last 12 months or more; answered Yes or No"
    ),
    "CONDITION_IMPACT": (
        "equality page, a question: does that condition reduce the person's ability to carry "
        "out day-to-day activities"
    ),
    "IMPACT_NOT_AT_ALL": "an answer to the question before: the condition does not reduce them",
    "MARITAL_STATUS": "equality page, a question (Census 2021 legal partnership status)",
    "MARITAL_DIVORCED": "a divorce, or a civil partnership ended by law",
    "MARITAL_WIDOWED": "a husband, wife or civil partner has died",
    "PREGNANCY_MATERNITY": "equality page, a question; answered Yes or No",
    "CARER": (
        "equality page, a question: does the person look after or support someone with a "
        "health condition, disability or because of old age, without pay; answered Yes or No"
    ),
    "FIRST_LANGUAGE": "equality page, a question: the person's first or main language",
    "LANGUAGE_ENGLISH": "an answer to First language: the English language",
    "LANGUAGE_OTHER": "an answer to First language: a language other than English",
    "PREFER_NOT_TO_SAY": "an answer under every equality question",
}

# (name, English text) in sheet order.
ALL: tuple[tuple[str, str], ...] = tuple((name, globals()[name]) for name in NAMES)
MSGIDS: frozenset[str] = frozenset(text for _name, text in ALL)

# The answer boxes of each question, in the order printed.
USEFUL_SCALE = (USEFUL_VERY, USEFUL_QUITE, USEFUL_PARTLY, USEFUL_NOT_VERY, USEFUL_NOT_AT_ALL)
INFLUENCE_SCALE = (AGREE_DEFINITELY, AGREE_TEND, DISAGREE_TEND, DISAGREE_DEFINITELY, DONT_KNOW)

# The equality page's texts (see AGE above), which a catalog made before them lacks.
MONITORING: tuple[str, ...] = tuple(
    globals()[name] for name in NAMES[NAMES.index("AGE") : NAMES.index("PREFER_NOT_TO_SAY") + 1]
)
