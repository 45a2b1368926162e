"""Share links: made, listed, revoked and opened, with the runner's ownership checked in
one place.

A link's token is `secrets.token_urlsafe(32)` (256 bits) and is shown to the runner once;
only its SHA-256 is stored. A link is found by that hash with an indexed equality lookup,
so how close a guess is to a real token can't be timed, and a revoked or expired link
finds nothing, exactly like a token that never existed.
"""

import re
import secrets
from datetime import datetime, timedelta

from flask import abort
from sqlalchemy import delete, func, select, update

from runpt.auth.accounts import hold_runner
from runpt.auth.models import User
from runpt.auth.signins import hash_token
from runpt.extensions import db
from runpt.sharing.models import ShareLink
from runpt.timestamps import utcnow

# The runner's choice of how long a link works.
LIFETIMES_DAYS = (7, 30, 90)
MAX_LABEL = 80
# Enough for every clinician a runner sees; a bound on what one account can hand out.
MAX_OPEN_LINKS = 20
TOO_MANY_LINKS = f"You have {MAX_OPEN_LINKS} links open: revoke one you no longer need."
# "Last opened" moves at most this often: not a write for every page a physio opens.
OPENED_STEP = timedelta(minutes=1)
# Revoked and expired links stay listed this long, so the runner sees what ended when.
KEEP_ENDED = timedelta(days=90)
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def link_errors(user, days: str, label: str, now: datetime | None = None) -> dict[str, str]:
    """What is wrong with the form that makes a link; empty when nothing is."""
    errors = {}
    if open_links(user, now or utcnow()) >= MAX_OPEN_LINKS:
        errors["days"] = TOO_MANY_LINKS
    if days not in {str(d) for d in LIFETIMES_DAYS}:
        errors["days"] = "Choose how long the link works: 7, 30 or 90 days."
    if len(label) > MAX_LABEL:
        errors["label"] = f"Keep the name under {MAX_LABEL} characters."
    elif CONTROL_CHARACTERS.search(label):
        errors["label"] = "The name has an invisible control character; type it again."
    return errors


def open_links(user, now: datetime) -> int:
    """How many of the runner's links still open their pages."""
    query = select(func.count()).where(
        ShareLink.user_id == user.id,
        ShareLink.revoked_at.is_(None),
        ShareLink.expires_at > now,
    )
    return db.session.scalar(query)


class TooManyLinks(Exception):
    """The runner has MAX_OPEN_LINKS open already: no link was made."""


def create_link(user, days: int, label: str = "", now: datetime | None = None):
    """A new link to the runner's report and progress: (the link, its token). The token
    exists only in this answer; the database keeps its hash. Commits.

    The open links are counted with the runner held (runpt/auth/accounts.py,
    `hold_runner`), in the transaction that inserts: parallel requests are counted one
    after another, so no burst gets past MAX_OPEN_LINKS (TooManyLinks, rolled back)."""
    if days not in LIFETIMES_DAYS:
        raise ValueError(f"a link lasts one of {LIFETIMES_DAYS} days, not {days}")
    now = now or utcnow()
    if not hold_runner(user.id) or open_links(user, now) >= MAX_OPEN_LINKS:
        db.session.rollback()
        raise TooManyLinks(TOO_MANY_LINKS)
    token = secrets.token_urlsafe(32)
    link = ShareLink(
        token_hash=hash_token(token),
        user_id=user.id,
        label=label.strip(),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    # Links long ended go as a new one comes: no cleanup job needed.
    db.session.execute(
        delete(ShareLink).where(
            ShareLink.user_id == user.id, ShareLink.expires_at <= now - KEEP_ENDED
        )
    )
    db.session.add(link)
    db.session.commit()
    return link, token


def links_of(user) -> list[ShareLink]:
    """The runner's links, newest first (the page sorts open from ended)."""
    query = (
        select(ShareLink)
        .where(ShareLink.user_id == user.id)
        .order_by(ShareLink.created_at.desc(), ShareLink.id.desc())
    )
    return list(db.session.scalars(query))


def link_for(user, link_id: int) -> ShareLink:
    """One of the runner's own links; anyone else's is a 404, like one that doesn't exist."""
    link = db.session.scalar(
        select(ShareLink).where(ShareLink.id == link_id, ShareLink.user_id == user.id)
    )
    if link is None:
        abort(404)
    return link


def revoke(link: ShareLink, now: datetime | None = None) -> None:
    """The link stops working at once: the next request with it is a 404. Commits."""
    if link.revoked_at is None:
        link.revoked_at = now or utcnow()
    db.session.commit()


def opened_link(token: str, now: datetime | None = None) -> tuple[ShareLink, User] | None:
    """The link a token opens and the runner who made it; None for a token that was never
    made, has expired or was revoked, all alike."""
    now = now or utcnow()
    found = db.session.execute(
        select(ShareLink, User)
        .join(User, User.id == ShareLink.user_id)
        .where(
            ShareLink.token_hash == hash_token(token),
            ShareLink.revoked_at.is_(None),
            ShareLink.expires_at > now,
        )
    ).first()
    return None if found is None else (found[0], found[1])


def note_opened(link: ShareLink, now: datetime | None = None) -> None:
    """Show the runner when the link was last opened. Its own short transaction, at
    most once a minute per link, so a physio clicking through pages isn't a write each."""
    now = now or utcnow()
    if link.last_opened_at is not None and link.last_opened_at > now - OPENED_STEP:
        return
    db.session.execute(update(ShareLink).where(ShareLink.id == link.id).values(last_opened_at=now))
    db.session.commit()


def forget_runner(user_id: int) -> None:
    """A runner's links, gone with their account (the caller commits)."""
    db.session.execute(delete(ShareLink).where(ShareLink.user_id == user_id))
