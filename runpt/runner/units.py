"""Loads in the runner's unit. Every load is stored in kilograms (events carry
`load_kg`); a runner who trains in pounds sees and types pounds everywhere: the log form,
"last time", history, progress, exports. This is the one place that converts."""

import math

KG_PER_LB = 0.45359237  # exact, by definition of the international pound
KG_PER_UNIT = {"kg": 1.0, "lb": KG_PER_LB}
# Pounds are shown to a tenth (plates come in 2.5 lb), kilograms to a hundredth (a
# pound-runner's 25 lb is 11.34 kg, and must read back as 25 lb).
SHOWN_DECIMALS = {"kg": 2, "lb": 1}


def in_unit(kg: float | None, unit: str) -> float | None:
    """A stored load in the runner's unit, rounded as they would read it."""
    if kg is None:
        return None
    return round(kg / KG_PER_UNIT[unit], SHOWN_DECIMALS[unit])


def to_kg(value: float, unit: str) -> float:
    """A load typed in the runner's unit, as it is stored (to the gram)."""
    return round(value * KG_PER_UNIT[unit], 3)


def load_text(kg: float | None, unit: str) -> str:
    """'22.5 lb', '10 kg'; empty for no load."""
    shown = in_unit(kg, unit)
    return "" if shown is None else f"{shown:g} {unit}"


def form_limits(kg_limits: tuple[float, float], unit: str) -> tuple[int, int]:
    """The log form's min and max in the runner's unit, inside the stored limits in kg
    (runpt/log/validation.py), so a value the form takes is one the server takes."""
    low, high = kg_limits
    return math.ceil(low / KG_PER_UNIT[unit]), math.floor(high / KG_PER_UNIT[unit])
