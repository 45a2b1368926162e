"""A runner's share links: a physio opens the runner's report and progress with one,
without an account, until it expires or the runner revokes it."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from runpt.extensions import db
from runpt.timestamps import UTCDateTime, utcnow


class ShareLink(db.Model):
    """One link to a runner's report and progress. Only a SHA-256 of its token is
    stored (as for sign-ins), so the table can't open anything: the runner sees the
    link once, when it is made."""

    __tablename__ = "share_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # Who the runner gave it to ("Anna, physio"), so they know which link to revoke.
    label: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Written at most once a minute (runpt/sharing/links.py), not on every view.
    last_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def is_open(self, now: datetime) -> bool:
        """Still opens the runner's pages: not revoked and not expired."""
        return self.revoked_at is None and self.expires_at > now

    def __repr__(self) -> str:
        return f"<ShareLink {self.id} of {self.user_id}>"
