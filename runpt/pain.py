"""The pain-monitoring model (docs/content-rules.md, rule 1, Silbernagel et al. 2007) in one place:
0-2 is safe, 3-5 acceptable if it settles by the next morning, above 5 too much. Pages
get it as the Jinja global `pain`; the player's JavaScript reads it from the markup."""

SAFE_MAX = 2
ACCEPTABLE_MAX = 5
HIGHEST = 10

# A note with one of these says the pain was sharp: the exercise stops, whatever number
# was tapped (safety text, docs/content-rules.md: "stop an exercise on sharp or worsening pain").
SHARP_PAIN_WORDS = ("sharp", "stabbing", "shooting", "had to stop")
# ...unless the word just before says it wasn't: "no sharp pain today" goes on. The
# runner's own "Sharp pain" tap is the way to say it; the words are for a typed note.
NOT_WORDS = ("no", "not", "without", "never")

# Pain that climbs this much within an exercise (2, then 4) is worsening pain: the next
# step says to keep the rest of the exercise easy (a line, not a stop).
RISING_BY = 2

# The safety text (docs/content-rules.md), whole, in one short line: on every exercise page, the
# player's step and a pain stop (templates: `pain.SAFETY_LINE`).
SAFETY_LINE = (
    "Stop an exercise on sharp or worsening pain; see a clinician for pain that lasts, "
    "swelling, numbness, or pain at night."
)


# The zones in words, for pages and chart descriptions.
ZONES_IN_WORDS = (
    f"0–{SAFE_MAX} safe, {SAFE_MAX + 1}–{ACCEPTABLE_MAX} acceptable, over {ACCEPTABLE_MAX} too much"
)


def zone(pain: int | None) -> str:
    """'safe', 'acceptable' or 'too much'; '' when no pain was logged."""
    if pain is None:
        return ""
    if pain <= SAFE_MAX:
        return "safe"
    return "acceptable" if pain <= ACCEPTABLE_MAX else "too much"
