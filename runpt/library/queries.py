"""Finding exercises: by group, by running problem, by name."""

from sqlalchemy import select

from runpt.extensions import db
from runpt.library.models import GROUPS, Exercise


def find_exercises(*, name: str = "", group: str = "", problem: str = "") -> list[Exercise]:
    """Exercises matching every filter given, in library order (group, then name)."""
    query = select(Exercise)
    if group:
        query = query.where(Exercise.group == group)
    if name:
        query = query.where(Exercise.name.icontains(name.strip(), autoescape=True))
    exercises = db.session.scalars(query).all()
    if problem:
        # Problems are a short JSON list per exercise; filtering ~40 rows in Python
        # keeps the query the same on SQLite and PostgreSQL.
        exercises = [e for e in exercises if problem in e.problems]
    order = list(GROUPS)
    return sorted(exercises, key=lambda e: (order.index(e.group), e.name))


def by_group(exercises: list[Exercise]) -> list[tuple[str, str, list[Exercise]]]:
    """[(group slug, group name, exercises)] in the article's order, empty groups left out."""
    grouped = []
    for slug, name in GROUPS.items():
        members = [e for e in exercises if e.group == slug]
        if members:
            grouped.append((slug, name, members))
    return grouped


def exercise_by_slug(slug: str) -> Exercise | None:
    return db.session.scalar(select(Exercise).where(Exercise.slug == slug))


def exercise_names() -> dict[str, str]:
    """{slug: name} for every exercise, to name the sets of a logged session."""
    return {slug: name for slug, name in db.session.execute(select(Exercise.slug, Exercise.name))}


def exercise_problems() -> dict[str, list[str]]:
    """{slug: the running problems it addresses} for every exercise: pain logged on it
    can be charted under the runner's own problems."""
    query = select(Exercise.slug, Exercise.problems)
    return {slug: list(problems) for slug, problems in db.session.execute(query)}
