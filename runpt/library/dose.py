"""How much of an exercise to do, and how long that takes.

The duration estimate is what a routine shows ("about 24 min") and what keeps every
built-in routine inside the article's 20-30 minutes; it mirrors how the player runs a
step: a get-ready countdown, each set (left then right for one-sided work), a short
switch between sides and the routine's rest between sets, plus a changeover between
exercises that the player doesn't time but a runner spends (moving to the floor or a
wall, putting a band on): without it real sessions ran 20-30% over the estimate.
"""

from dataclasses import dataclass, replace

GET_READY_S = 10
SIDE_SWITCH_S = 5
DEFAULT_REP_S = 3
CHANGEOVER_S = 20  # per exercise: runpt convention (docs/content-rules.md, session shape)
LONGEST_SESSION_S = 30 * 60  # the article's 20-30 minutes
# How a slow rep is counted aloud, one word a second: "down, two, three, up".
PHASE_WORDS = ("down", "hold", "up")
COUNT_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
SLOW_PHASE_S = 2  # a rep with a phase this long or longer is counted aloud


@dataclass(frozen=True)
class Dose:
    sets: int
    reps: int | None
    hold_s: int | None
    per_side: bool
    tempo: str | None
    rest_s: int

    @classmethod
    def of(cls, exercise) -> "Dose":
        return cls(
            sets=exercise.sets,
            reps=exercise.reps,
            hold_s=exercise.hold_s,
            per_side=exercise.per_side,
            tempo=exercise.tempo,
            rest_s=exercise.rest_s,
        )

    def overridden(self, *, sets=None, reps=None, hold_s=None, rest_s=None, per_side=None):
        """This dose with a routine's own numbers where it has them (and one side at a
        time or not, for a rung that differs from the exercise)."""
        changes = {"sets": sets, "rest_s": rest_s, "per_side": per_side}
        # A routine sets reps for rep work and hold seconds for holds, never a mix.
        if self.hold_s is not None:
            changes["hold_s"] = hold_s
        else:
            changes["reps"] = reps
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @property
    def is_hold(self) -> bool:
        return self.hold_s is not None

    @property
    def sides(self) -> tuple[str | None, ...]:
        return ("left", "right") if self.per_side else (None,)

    def rep_seconds(self) -> int:
        if not self.tempo:
            return DEFAULT_REP_S
        return sum(int(part) for part in self.tempo.split("-"))

    def tempo_count(self) -> list[str]:
        """A slow rep counted aloud, one word a second through its tempo (down, pause,
        up): "down, two, three, up" for 3-0-1. Empty for quick reps and for holds."""
        if self.is_hold or not self.tempo:
            return []
        seconds = [int(part) for part in self.tempo.split("-")]
        if max(seconds) < SLOW_PHASE_S:
            return []
        words = []
        for phase, length in zip(PHASE_WORDS, seconds, strict=True):
            if length:
                words += [phase, *COUNT_WORDS[1 : min(length, len(COUNT_WORDS))]]
        return words

    def work_seconds(self) -> int:
        """Time under work for one set on one side."""
        return self.hold_s if self.is_hold else self.reps * self.rep_seconds()

    def seconds(self) -> int:
        sides = len(self.sides)
        return (
            CHANGEOVER_S
            + GET_READY_S
            + self.sets * sides * self.work_seconds()
            + (self.sets - 1) * self.rest_s
            + self.sets * (sides - 1) * SIDE_SWITCH_S
        )

    def target_text(self) -> str:
        """One set's target, e.g. '12 reps' or '30 s hold'."""
        return f"{self.hold_s} s hold" if self.is_hold else f"{self.reps} reps"

    def __str__(self) -> str:
        amount = f"{self.sets} × {self.hold_s} s" if self.is_hold else f"{self.sets} × {self.reps}"
        return amount + (" per side" if self.per_side else "")


def minutes(seconds: int) -> int:
    """Whole minutes as a runner reads a duration: rounded, never zero."""
    return max(1, round(seconds / 60))
