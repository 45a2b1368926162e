"""Text from the data files as a runner reads it. The data cite the content rules by
number for the maintainers ("Rule 6: bridge 3×10 → 3×15 …", "(Beyer et al. 2015, rule
11)"); runners can't look those up (docs/content-rules.md is for the maintainers), so the
numbers are taken out where the text is loaded, and the sources stay. Abbreviations a
runner can't be expected to know (12RM, RPE) are explained at their first appearance in
each text. One function, so a rule number or an abbreviation added to the data later
never reaches a page unexplained either."""

import re

# The content rules by number, as a runner would name them where the text leans on one.
RULE_NAMES = {
    1: "the pain-monitoring model",
    2: "the Alfredson protocol",
    3: "the calf raise ladder",
    4: "the bridge ladder",
    5: "the side-plank ladder",
    6: "the hip strengthening dose",
    7: "the isometric holds",
    8: "strength work",
    9: "the weekly target",
    10: "the capacity tests",
    11: "heavy slow resistance",
    12: "the high-load heel raise",
    13: "hip and knee strengthening",
    14: "the walk-run convention",
    15: "supervised exercise",
    16: "the single-run finding",
    17: "heavy slow resistance",
    18: "the pain stop",
}
_NUMBERS = r"(\d+)(?:\s*(?:and|,)\s*\d+)*"
# "Rule 6: …", "Rule 12, high-load heel raise …", "Rule 11's heavy slow resistance …"
_LEADING = re.compile(rf"^rules? {_NUMBERS}(?:'s\s+|\s*[:,]\s*)", re.IGNORECASE)
# "(rule 14, runpt convention)", "(Nascimento et al. 2018, rule 13)", "(rules 7 and 11)",
# "(the rule 6 pilot trial …)": inside brackets the number just goes.
_IN_BRACKETS = re.compile(
    rf"(?:,\s*rules? {_NUMBERS}|rules? {_NUMBERS}(?:\s*,\s*|\s+)?)(?=[^()]*\))", re.IGNORECASE
)
# "ladder per rule 3: …": "per" a rule says nothing a runner can use.
_PER = re.compile(rf"\s+per rules? {_NUMBERS}", re.IGNORECASE)
# Anywhere else ("modelled on rule 6 (…)", "Rule 12 (Rathleff …)"): the rule's name.
_ANY = re.compile(rf"rules? {_NUMBERS}(?:'s)?", re.IGNORECASE)


# "12RM": a repetition maximum; "RPE 6–7/10": a rating of perceived exertion.
_RM = re.compile(r"\b(\d+)RM\b")
_RPE = re.compile(r"\bRPE(?: ([\d–-]+)(?:/10)?)?")


def for_runners(text: str | None) -> str | None:
    """The text without content-rule numbers, tidied where they stood, and with its
    abbreviations explained."""
    if not text:
        return text
    return explained(without_rule_numbers(text))


def explained(text: str) -> str:
    """The first "12RM" and "RPE" of a text explained, unless the text explains them."""
    first = _RM.search(text)
    if first and not text[first.end() :].lstrip().startswith("("):
        count = first.group(1)
        text = _RM.sub(rf"{count}RM (the most you can lift {count} times)", text, count=1)
    if _RPE.search(text) and "how hard it feels" not in text:
        text = _RPE.sub(_rpe_words, text, count=1)
    return text


def _rpe_words(match: re.Match) -> str:
    if match.group(1):
        return f"RPE {match.group(1)}/10 (how hard it feels, out of 10)"
    return "RPE (how hard it feels, out of 10)"


def without_rule_numbers(text: str) -> str:
    """The text without content-rule numbers, tidied where they stood."""
    found = _LEADING.sub("", text)
    found = _IN_BRACKETS.sub("", found)
    found = re.sub(r"\s*\(\s*\)", "", found)
    found = _PER.sub("", found)
    found = _ANY.sub(lambda match: RULE_NAMES.get(int(match.group(1)), "runpt's rules"), found)
    if text[:1].isupper() and not found.startswith("runpt"):
        found = found[:1].upper() + found[1:]  # "Rule 12 (…)" → "The high-load heel raise (…)"
    return found
