"""Routines: the built-in sessions and a runner's own; editing them with ownership
checked in one place; and a routine laid out as the player steps through it."""
