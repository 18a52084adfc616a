"""Target vocabulary: protected groups (four grammatical forms) and non-protected targets."""

from __future__ import annotations

#: (plural, singular with article, bare singular, adjective)
_GROUPS: tuple[tuple[str, str, str, str], ...] = (
    ("women", "a woman", "woman", "female"),
    ("gay people", "a gay person", "gay person", "gay"),
    ("trans people", "a trans person", "trans person", "trans"),
    ("Black people", "a Black person", "Black person", "Black"),
    ("Muslims", "a Muslim", "Muslim", "Muslim"),
    ("Jews", "a Jewish person", "Jewish person", "Jewish"),
    ("immigrants", "an immigrant", "immigrant", "immigrant"),
    ("disabled people", "a disabled person", "disabled person", "disabled"),
    ("Asian people", "an Asian person", "Asian person", "Asian"),
    ("Mexicans", "a Mexican", "Mexican", "Mexican"),
    ("refugees", "a refugee", "refugee", "refugee"),
    ("Christians", "a Christian", "Christian", "Christian"),
    ("Hindus", "a Hindu", "Hindu", "Hindu"),
    ("lesbians", "a lesbian", "lesbian", "lesbian"),
    ("bisexual people", "a bisexual person", "bisexual person", "bisexual"),
    ("Arabs", "an Arab", "Arab", "Arab"),
    ("Latinos", "a Latino", "Latino", "Latino"),
    ("deaf people", "a deaf person", "deaf person", "deaf"),
    ("autistic people", "an autistic person", "autistic person", "autistic"),
    ("Sikhs", "a Sikh", "Sikh", "Sikh"),
    ("Indigenous people", "an Indigenous person", "Indigenous person", "Indigenous"),
    ("Chinese people", "a Chinese person", "Chinese person", "Chinese"),
)

GROUPS: tuple[str, ...] = tuple(g[0] for g in _GROUPS)
A_GROUP: tuple[str, ...] = tuple(g[1] for g in _GROUPS)
GROUP_SG: tuple[str, ...] = tuple(g[2] for g in _GROUPS)
GROUP_ADJ: tuple[str, ...] = tuple(g[3] for g in _GROUPS)

#: Group vocabulary every identity family can use: {g}, {a_g}, {g_sg}, {g_adj}.
GROUP_VOCAB: dict[str, tuple[str, ...]] = {
    "g": GROUPS, "a_g": A_GROUP, "g_sg": GROUP_SG, "g_adj": GROUP_ADJ,
}

#: Categories of people defined by a habit, hobby or job: not protected characteristics.
NON_PROTECTED_TRAIN: tuple[str, ...] = (
    "referees", "people who use light mode", "cat owners", "people who chew loudly",
    "Yankees fans", "people who post spoilers", "tank mains", "crypto bros",
)
NON_PROTECTED_DEV: tuple[str, ...] = (
    "people who talk during movies", "Lakers fans", "people who don't use turn signals",
    "dog walkers", "people who reply-all", "speedrunners", "mobile gamers", "influencers",
)

#: Words people use about their own group (reclaimed / in-group), without slurs.
SELF_TRAIN: tuple[str, ...] = (
    "a queer woman", "a gay man", "a trans guy", "a disabled person", "a Black woman",
    "an autistic person", "a Muslim girl", "a deaf gamer", "a Jewish kid", "an immigrant",
)
SELF_DEV: tuple[str, ...] = (
    "queer", "bi", "a trans woman", "a wheelchair user", "a Black guy", "an autistic adult",
    "Hindu", "Latina", "hard of hearing", "a first-gen immigrant",
)
INGROUP_TRAIN: tuple[str, ...] = (
    "old geezers", "queers", "nerds", "weirdos", "gays", "autistic folks", "immigrant kids",
)
INGROUP_DEV: tuple[str, ...] = (
    "old farts", "queer folks", "theatre kids", "disabled folks", "trans girls", "boomers",
    "aunties",
)
