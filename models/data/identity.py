"""Identity-term detector used to re-weight benign identity mentions during training.

Hate corpora teach "mentions a group => hateful". Annotated *non*-hateful messages that
mention a protected group are the counter-evidence, so training counts them more.
"""

from __future__ import annotations

from models.data.common import word_matcher

_TERMS = (
    r"gays?",
    r"lesbians?",
    r"bi(sexual)?s?",
    r"trans(gender)?",
    r"queers?",
    r"lgbt\w*",
    r"homosexuals?",
    r"muslims?",
    r"islam(ic)?",
    r"jews?",
    r"jewish",
    r"christians?",
    r"hindus?",
    r"sikhs?",
    r"black(s| people| women| men)?",
    r"african",
    r"asians?",
    r"latin[oax]s?",
    r"hispanics?",
    r"mexicans?",
    r"arabs?",
    r"immigrants?",
    r"refugees?",
    r"women",
    r"woman",
    r"girls?",
    r"feminists?",
    r"disabled",
    r"autistic",
    r"deaf",
    r"blind",
    r"white people",
    r"indians?",
    r"chinese",
    r"native americans?",
)
_MATCHES = word_matcher(_TERMS)


def mentions_identity(text: str) -> bool:
    return _MATCHES(text)
