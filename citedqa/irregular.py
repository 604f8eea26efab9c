"""Past forms of common English irregular verbs, to their base form.

The Snowball stemmer leaves "met", "held" and "sought" as they are, so a sentence saying
"Putin met Kim" would not hold the "meet" of "Where did Putin and Kim meet?". General
English, not any corpus: the irregular verbs of a learner's grammar.
"""

from __future__ import annotations

_FORMS = """
arise arose arisen|awake awoke awoken|bear bore borne|beat beat beaten|become became become|
begin began begun|bend bent bent|bet bet bet|bind bound bound|bite bit bitten|bleed bled bled|
blow blew blown|break broke broken|breed bred bred|bring brought brought|build built built|
burn burnt burnt|buy bought bought|catch caught caught|choose chose chosen|cling clung clung|
come came come|cost cost cost|creep crept crept|deal dealt dealt|dig dug dug|do did done|
draw drew drawn|dream dreamt dreamt|drink drank drunk|drive drove driven|eat ate eaten|
fall fell fallen|feed fed fed|feel felt felt|fight fought fought|find found found|flee fled fled|
fly flew flown|forbid forbade forbidden|forget forgot forgotten|forgive forgave forgiven|
freeze froze frozen|get got gotten|give gave given|go went gone|grind ground ground|
grow grew grown|hang hung hung|have had had|hear heard heard|hide hid hidden|hit hit hit|
hold held held|hurt hurt hurt|keep kept kept|know knew known|lay laid laid|lead led led|
lean leant leant|leave left left|lend lent lent|let let let|lie lay lain|light lit lit|
lose lost lost|make made made|mean meant meant|meet met met|pay paid paid|put put put|
quit quit quit|read read read|ride rode ridden|ring rang rung|rise rose risen|run ran run|
say said said|see saw seen|seek sought sought|sell sold sold|send sent sent|set set set|
shake shook shaken|shine shone shone|shoot shot shot|show showed shown|shut shut shut|
sing sang sung|sink sank sunk|sit sat sat|sleep slept slept|slide slid slid|speak spoke spoken|
spend spent spent|spin spun spun|split split split|spread spread spread|spring sprang sprung|
stand stood stood|steal stole stolen|stick stuck stuck|sting stung stung|strike struck struck|
swear swore sworn|sweep swept swept|swim swam swum|swing swung swung|take took taken|
teach taught taught|tear tore torn|tell told told|think thought thought|throw threw thrown|
understand understood understood|wake woke woken|wear wore worn|weep wept wept|win won won|
wind wound wound|withdraw withdrew withdrawn|write wrote written|undertake undertook undertaken|
overcome overcame overcome|oversee oversaw overseen|uphold upheld upheld|foresee foresaw foreseen
"""

BASE_FORM: dict[str, str] = {
    form: verb.split()[0]
    for verb in _FORMS.replace("\n", "").split("|")
    if verb.strip()
    for form in verb.split()[1:]
    if form != verb.split()[0]
}
"""{"met": "meet", "held": "hold", ...}: past and participle forms that differ from the base."""

AGENT: dict[str, str] = {"author": "write", "authors": "write", "authored": "write"}
"""Who did it, where the noun is not the verb plus -er ("author" wrote; "writer" and "editor"
already share a stem with "write" and "edit")."""

_PLURALS = """
loaves loaf|leaves leaf|wolves wolf|knives knife|lives life|wives wife|halves half|
shelves shelf|thieves thief|calves calf|selves self|elves elf|scarves scarf|hooves hoof|
children child|men man|women woman|people person|mice mouse|geese goose|feet foot|
teeth tooth|oxen ox|criteria criterion|phenomena phenomenon|analyses analysis|crises crisis|
theses thesis|hypotheses hypothesis|diagnoses diagnosis|indices index|matrices matrix|
vertices vertex|appendices appendix|cacti cactus|fungi fungus|nuclei nucleus|radii radius|
stimuli stimulus|syllabi syllabus|alumni alumnus|bacteria bacterium|curricula curriculum|
memoranda memorandum|strata stratum
"""

SINGULAR: dict[str, str] = dict(
    pair.split() for pair in _PLURALS.replace("\n", "").split("|") if pair.strip()
)
"""{"loaves": "loaf", "children": "child", ...}: plurals the stemmer does not bring back to
their singular ("loaves" stems to "loav", which "loaf" does not hold). General English: the
irregular plurals of a learner's grammar."""
