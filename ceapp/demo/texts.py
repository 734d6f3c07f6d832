"""Words the demo data is made of: names, titles, issues, responses, comments.

Placeholders in braces ({ward}, {estate}, {street}, {park}, {topic},
{community}, {partner}) are filled from the borough an item belongs to.
All people are made up: names are combined at random from common names of
each heritage, never taken from a real list of people.
"""

from __future__ import annotations

# heritage: (given names, surnames)
NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "bangladeshi": (
        ("Abdul", "Shahana", "Mohammed", "Rokeya", "Jamal", "Nazma", "Rahim", "Shirin", "Faruk"),
        ("Rahman", "Begum", "Ahmed", "Miah", "Uddin", "Khatun", "Islam", "Chowdhury", "Hussain"),
    ),
    "british": (
        ("Sarah", "James", "Emma", "David", "Claire", "Paul", "Rachel", "Mark", "Helen", "Tom"),
        ("Smith", "Jones", "Taylor", "Brown", "Wilson", "Walker", "Evans", "Hughes", "Clarke"),
    ),
    "somali": (
        ("Abdi", "Hodan", "Mohamed", "Fadumo", "Hassan", "Amina", "Ahmed", "Sahra", "Yusuf"),
        ("Abdi", "Mohamed", "Hassan", "Warsame", "Farah", "Osman", "Jama", "Ali", "Nur"),
    ),
    "polish": (
        ("Anna", "Piotr", "Katarzyna", "Tomasz", "Magdalena", "Krzysztof", "Agnieszka"),
        # Surnames that do not change with gender (unlike -ski / -ska).
        ("Nowak", "Wójcik", "Kowalczyk", "Mazur", "Krawczyk", "Kaczmarek", "Zając"),
    ),
    "chinese": (
        ("Wei", "Mei", "Jun", "Lin", "Hui", "Ming", "Ying"),
        ("Chen", "Wong", "Li", "Zhang", "Liu", "Cheung", "Lam"),
    ),
    "caribbean": (
        ("Marcia", "Winston", "Paulette", "Delroy", "Beverley", "Errol", "Jasmine"),
        ("Campbell", "Francis", "Grant", "Brown", "Williams", "Thomas", "Robinson"),
    ),
    "irish": (
        ("Siobhan", "Patrick", "Niamh", "Sean", "Aoife", "Declan", "Mary"),
        ("Murphy", "O'Brien", "Kelly", "Byrne", "Ryan", "Walsh", "Doyle"),
    ),
    "arab": (
        ("Omar", "Fatima", "Khaled", "Layla", "Youssef", "Mariam", "Samir"),
        ("Haddad", "Saleh", "Mansour", "Nasser", "Khalil", "Darwish", "Hamdan"),
    ),
    "indian": (
        ("Priya", "Rajesh", "Hina", "Sanjay", "Kiran", "Anil", "Meera", "Jaswinder", "Harpreet"),
        ("Patel", "Mistry", "Parmar", "Solanki", "Chauhan", "Lad", "Singh", "Kaur", "Gill"),
    ),
    "pakistani": (
        ("Imran", "Saima", "Tariq", "Nadia", "Asif", "Rubina", "Zahid"),
        ("Khan", "Iqbal", "Butt", "Hussain", "Akhtar", "Mahmood", "Qureshi"),
    ),
    "nigerian": (
        ("Chinedu", "Ngozi", "Oluwaseun", "Funmilayo", "Emeka", "Adaeze", "Tunde"),
        ("Okafor", "Adeyemi", "Okonkwo", "Balogun", "Eze", "Adebayo", "Nwosu"),
    ),
}

# Community of interest: the heritage a group's contact most likely has.
COMMUNITY_HERITAGE = {
    "Bangladeshi": "bangladeshi",
    "Sylheti speakers": "bangladeshi",
    "Somali": "somali",
    "Polish": "polish",
    "Chinese": "chinese",
    "Arab": "arab",
    "Irish": "irish",
    "Black Caribbean": "caribbean",
    "African Caribbean": "caribbean",
    "Gujarati Hindu": "indian",
    "Punjabi Sikh": "indian",
    "Pakistani": "pakistani",
}

EMAIL_DOMAINS = ("example.org", "example.com", "example.net")

AUDIENCES_GENERAL = (
    "Residents of {ward}",
    "All residents",
    "Tenants and leaseholders of {estate}",
    "Parents and carers",
    "Businesses and traders on {street}",
    "Disabled residents and carers",
    "{community} community",
)
AUDIENCE_YOUNG = ("Young people aged 11 to 19", "Young people and youth workers")
AUDIENCE_OLDER = ("Older residents", "Residents aged 60 and over")
AUDIENCE_WOMEN = ("{community} women", "Women", "Mothers with young children")

OTHER_EVENT_TITLES = (
    "Community iftar and listening event",
    "Diwali celebration information stall",
    "Eid in the park: community stall",
    "Vaisakhi community information stall",
    "Black History Month community conversation",
    "Refugee Week welcome event",
    "Carers Week coffee morning",
    "International Women's Day celebration",
    "Summer fun day in {park}",
    "Community clean-up day in {park}",
)

METHOD_TITLES = {
    "public_meeting": ("Public meeting: {topic}",),
    "focus_group": ("Focus group: {topic}", "Focus group with {community} residents: {topic}"),
    "drop_in": ("{topic}: drop-in session", "Cost of living advice drop-in", "Ask the council"),
    "survey": ("Survey: {topic}",),
    "workshop": ("Workshop: {topic}", "Co-design workshop: {topic}"),
    "participatory_budgeting": ("{ward} community chest vote", "You decide: {ward} ward fund"),
    "citizens_panel": ("Citizens' panel: {topic}",),
    "street_stall": ("Street stall on {street}: {topic}",),
    "walkabout": ("{ward} ward walkabout", "Estate walkabout: {estate}"),
    "online": ("Online consultation: {topic}",),
}

EXEMPTION_REASONS = (
    "Government deadline for the grant bid leaves less than 12 weeks.",
    "Urgent decision on emergency accommodation; Cabinet agreed a shorter period.",
    "Follow-up to a full 12-week consultation held last year on the same proposals.",
    "Statutory notice period applies instead (traffic management order).",
    "Budget timetable: decision must be taken at Full Council in February.",
)

OUTCOMES = {
    "information_giving": (
        "Residents were briefed on {topic}; questions were collected and answers posted online.",
        "Information shared on {topic}; leaflets given out in English and community languages.",
    ),
    "consultation": (
        "Views on {topic} recorded and fed into the consultation report.",
        "Residents raised concerns about {topic}; these go to Cabinet with the proposals.",
        "Most people who spoke supported the proposals on {topic}, with changes asked for.",
    ),
    "deciding_together": (
        "Residents voted on priorities for {topic}; the top three will be funded.",
        "Panel agreed recommendations on {topic} to go to Cabinet.",
    ),
    "acting_together": (
        "Volunteers signed up to keep working on {topic} with the council.",
        "Residents and partners agreed an action plan for {ward}.",
    ),
}

ISSUE_TITLES = {
    "community_safety": (
        "Drug dealing near {estate}",
        "Street lighting out on a path by {park}",
        "Knife crime worries after incident near {street}",
    ),
    "antisocial_behaviour": (
        "Groups gathering late at night on {estate}",
        "Noise from a flat on {estate}",
        "Motorbikes ridden through {park}",
    ),
    "housing": (
        "Damp and mould in flats on {estate}",
        "Lifts out of order on {estate}",
        "Waiting list for family-sized homes",
        "Repairs not done after months on {estate}",
    ),
    "environment": (
        "Fly-tipping behind the shops on {street}",
        "Overflowing bins on {estate}",
        "Dog fouling in {park}",
        "Rats near the bin stores on {estate}",
    ),
    "transport": (
        "Speeding traffic near the primary school in {ward}",
        "Not enough disabled parking bays on {street}",
        "Bus stop on {street} has no shelter",
        "Pavement parking blocks wheelchairs on {street}",
    ),
    "health": (
        "Hard to get a GP appointment in {ward}",
        "No interpreter offered at hospital appointments",
        "Mental health support for young people",
    ),
    "youth": (
        "Youth club in {ward} closed; nowhere for young people to go",
        "More holiday activities for children in {ward}",
    ),
    "older_people": (
        "Lunch club in {ward} needs a new venue",
        "Benches removed from {park}",
    ),
    "employment": (
        "Help with rising energy bills",
        "Jobs for local people at new developments in {ward}",
    ),
    "facilities": (
        "Library opening hours in {ward} cut",
        "Community centre in {ward} needs repairs",
        "Toilets in {park} locked",
    ),
    "cohesion": (
        "Tension between neighbours after incident on {estate}",
        "More events bringing communities together in {ward}",
    ),
    "other": ("Council website hard to use", "Letters only sent in English"),
}

ISSUE_RESPONSES = {
    "community_safety": "Police have increased patrols and a dispersal order was used twice.",
    "antisocial_behaviour": "ASB officers visited; warnings issued and CCTV is being reviewed.",
    "housing": "A surveyor inspected and works are booked; residents have been written to.",
    "environment": "Extra collections added and enforcement officers have issued fines.",
    "transport": "Highways have surveyed the road; measures go into next year's programme.",
    "health": "The ICB has raised this with local practices; an update will follow.",
    "youth": "The youth service is running sessions from the community centre meanwhile.",
    "older_people": "A new venue has been found and the club restarts next month.",
    "employment": "Residents were referred to the cost of living hub and jobs service.",
    "facilities": "Repairs are funded in this year's budget; work starts in the spring.",
    "cohesion": "The cohesion team is working with local faith and community groups.",
    "other": "The team responsible has been asked to change this and has agreed.",
}

ISSUE_DETAILS = (
    "Raised by several residents at the meeting.",
    "Resident says this has gone on for months and was reported before.",
    "Councillor asked for an update at the next meeting.",
    None,
    None,
)

REFERRAL_NOTE = "Referred to {partner}."
PROGRESS_NOTES = ("Officer visited the site.", "Waiting for a contractor.", "Meeting arranged.")
CLOSING_NOTES = ("Reported back at the next forum.", "Resident satisfied.", "No further action.")

FEEDBACK_SCALE = ("5", "4", "4", "3", "3", "2", "1")
FEEDBACK_HEARD = ("leaflet", "word_of_mouth", "social_media", "community_group", "councillor")
# Short comments as a resident might write them on a sheet in that language.
FEEDBACK_COMMENTS: dict[str, tuple[str, ...]] = {
    "en": (
        "Very useful, thank you.",
        "Too many officers talking, not enough time for questions.",
        "Please hold the next one in the evening.",
        "Good to see the police there.",
        "The room was too hot and hard to hear.",
    ),
    "bn": ("খুব ভালো লেগেছে", "আরও তথ্য চাই", "ধন্যবাদ"),
    "so": ("Mahadsanid", "Waxaan rabaa macluumaad dheeraad ah"),
    "gu": ("ખૂબ સરસ", "આભાર"),
    "pa": ("ਬਹੁਤ ਵਧੀਆ", "ਧੰਨਵਾਦ"),
    "ur": ("بہت اچھا تھا", "شکریہ"),
    "ar": ("كان مفيداً جداً", "شكراً جزيلاً"),
    "pl": ("Bardzo przydatne spotkanie", "Dziękuję"),
    "ro": ("Foarte util, mulțumesc",),
    "zh": ("很有帮助，谢谢",),
}

# group type code: name templates
GROUP_NAMES: dict[str, tuple[str, ...]] = {
    "residents_association": (
        "{estate} Tenants' and Residents' Association",
        "{estate} Residents' Forum",
    ),
    "faith": (
        "{ward} Interfaith Forum",
        "{ward} Mosque Women's Committee",
        "{ward} Churches Together",
    ),
    "youth": ("{ward} Youth Forum", "{ward} Young Leaders", "{ward} Boxing and Youth Club"),
    "older_people": ("{ward} Over-60s Club", "{ward} Lunch Club", "{community} Elders' Group"),
    "disability": (
        "{borough} Deaf Forum",
        "{ward} Disability Action Group",
        "{borough} Sight Loss Group",
    ),
    "ethnic_minority": (
        "{community} Community Association",
        "{community} Welfare Association of {ward}",
    ),
    "women": (
        "{community} Women's Group",
        "{ward} Mothers' Group",
        "{community} Women's Sewing Circle",
    ),
    "lgbt": ("{borough} LGBT+ Forum", "{borough} Rainbow Elders"),
    "carers": ("{ward} Carers' Support Group", "{borough} Young Carers"),
    "refugee": ("{community} Refugee Support Network", "{borough} Welcome Project"),
    "voluntary": ("{ward} Food Bank", "Friends of {park}", "{ward} Community Garden"),
    "business": ("{street} Traders' Association",),
    "other": ("{ward} Allotment Society", "{ward} Litter Pickers"),
}
GROUP_TYPE_WEIGHTS = {
    "residents_association": 18,
    "faith": 10,
    "youth": 8,
    "older_people": 8,
    "disability": 4,
    "ethnic_minority": 14,
    "women": 8,
    "lgbt": 2,
    "carers": 4,
    "refugee": 4,
    "voluntary": 12,
    "business": 4,
    "other": 4,
}
# Communities of interest besides the borough's ethnic and language communities.
COMMUNITIES_BY_GROUP_TYPE = {
    "residents_association": ("Tenants and leaseholders",),
    "faith": ("Faith communities",),
    "youth": ("Young people",),
    "older_people": ("Older people",),
    "disability": ("Disabled people", "Deaf people", "Blind and partially sighted people"),
    "women": ("Women",),
    "lgbt": ("LGBT+ people",),
    "carers": ("Carers",),
    "refugee": ("Refugees and asylum seekers",),
    "business": ("Local businesses",),
}
