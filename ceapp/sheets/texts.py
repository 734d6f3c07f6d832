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
}

# (name, English text) in sheet order.
ALL: tuple[tuple[str, str], ...] = tuple((name, globals()[name]) for name in NAMES)
MSGIDS: frozenset[str] = frozenset(text for _name, text in ALL)

# The answer boxes of each question, in the order printed.
USEFUL_SCALE = (USEFUL_VERY, USEFUL_QUITE, USEFUL_PARTLY, USEFUL_NOT_VERY, USEFUL_NOT_AT_ALL)
INFLUENCE_SCALE = (AGREE_DEFINITELY, AGREE_TEND, DISAGREE_TEND, DISAGREE_DEFINITELY, DONT_KNOW)
