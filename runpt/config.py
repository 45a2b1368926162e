"""Settings read from the environment, so one build runs anywhere."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import orjson


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_url(instance_path: str) -> str:
    """`DATABASE_URL` if set, else SQLite in the instance folder.

    Hosting platforms hand out `postgres://` or `postgresql://` URLs; SQLAlchemy needs
    the driver named, and psycopg 3 is the one we ship.
    """
    url = os.environ.get("DATABASE_URL")
    if not url:
        return "sqlite:///" + str(Path(instance_path) / "runpt.sqlite3")
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_secret_key(instance_path: str) -> str:
    """`SECRET_KEY` if set; otherwise one made once and kept in the instance folder.

    Never a hard-coded key: a key kept on disk survives restarts (logins stay valid),
    and production sets its own through the environment.
    """
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def load_vapid_keys(instance_path: str) -> dict:
    """The VAPID key pair that signs every reminder sent to a push service, kept like
    the secret key: `VAPID_PRIVATE_KEY` (PEM, or the base64url raw key other tools print)
    and `VAPID_PUBLIC_KEY` if set; otherwise a pair made once and kept in the instance
    folder. A new pair would orphan every phone's subscription (the push service only
    accepts the key it was subscribed with), so it is never made again on restart.

    `VAPID_SUBJECT` is the contact the push services may write to (a `mailto:` or
    `https:` address; Apple refuses `localhost` ones)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    private = os.environ.get("VAPID_PRIVATE_KEY", "").strip()
    path = Path(instance_path) / "vapid_private_key.pem"
    if not private and path.exists():
        private = path.read_text().strip()
    if not private:
        key = ec.generate_private_key(ec.SECP256R1())
        private = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(private)
        path.chmod(0o600)
    private = private.strip()
    public = os.environ.get("VAPID_PUBLIC_KEY", "").strip() or vapid_public_key(private)
    return {
        "VAPID_PRIVATE_KEY": private,
        "VAPID_PUBLIC_KEY": public,
        "VAPID_SUBJECT": os.environ.get("VAPID_SUBJECT", "mailto:reminders@runpt.invalid"),
    }


def vapid_private(private: str):
    """The private key of `VAPID_PRIVATE_KEY` text: PEM, or base64url of the raw key."""
    from py_vapid import Vapid

    if private.startswith("-----BEGIN"):
        return Vapid.from_pem(private.encode())
    return Vapid.from_string(private)


def vapid_private_line(private: str) -> str:
    """The private key as one base64url line (the raw 32 bytes), for an environment file
    shared by every host: a PEM's line breaks don't fit one."""
    import base64

    number = vapid_private(private).private_key.private_numbers().private_value
    return base64.urlsafe_b64encode(number.to_bytes(32, "big")).rstrip(b"=").decode()


def vapid_public_key(private: str) -> str:
    """The public key as browsers take it (`applicationServerKey`): the uncompressed
    P-256 point, base64url without padding."""
    import base64

    from cryptography.hazmat.primitives import serialization

    point = vapid_private(private).public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(point).rstrip(b"=").decode()


def stored_json(value) -> str:
    """JSON columns (an event's data, above all) written with orjson: a sync batch
    writes hundreds, and json.dumps took ~2.7 µs of an event's ~40 µs (orjson ~0.3 µs).
    Compact, UTF-8 as is; read back by any JSON reader."""
    return orjson.dumps(value).decode()


def engine_options(url: str, prepared_statements: bool = True) -> dict:
    """A database server can drop an idle connection (a restart, a failover, a proxy's
    timeout): ask it first ("pre-ping") before using a pooled one. SQLite is a file in
    this process; pinging it would only add a query to every request.

    psycopg prepares a statement on the server once it has run 5 times on a connection
    (`_pg3_0`, `_pg3_1`, ...). Behind PgBouncer in transaction mode (1.18, Debian 12's)
    the next transaction may run on another server connection, where that name is
    missing or taken: `DuplicatePreparedStatement`. `prepared_statements=False`
    (DATABASE_PREPARED_STATEMENTS=off) turns psycopg's preparing off for every
    connection of the pool, the plain reads' raw ones too (runpt/plain_reads.py)."""
    options = {"json_serializer": stored_json}
    if url.startswith("sqlite"):
        return options
    options["pool_pre_ping"] = True
    if not prepared_statements and url.startswith("postgresql+psycopg"):
        options["connect_args"] = {"prepare_threshold": None}
    return options


def trusted_proxies() -> int:
    """How many proxies in front of the app add X-Forwarded-For/-Proto/-Host
    (TRUSTED_PROXIES, 0 by default: forwarded headers are ignored, since anyone can
    send them). A wrong value stops the app at start with a message, never silently
    trusts a client's own headers."""
    value = os.environ.get("TRUSTED_PROXIES", "0").strip() or "0"
    if not value.isdigit():
        raise ValueError(
            f"TRUSTED_PROXIES must be the number of proxies in front of runpt "
            f"(0, 1, 2, ...), not {value!r}"
        )
    return int(value)


def settings_from_environment(instance_path: str) -> dict:
    """The app's configuration; tests pass overrides to `create_app` instead."""
    secure = _flag("SECURE_COOKIES", False)
    url = database_url(instance_path)
    return {
        "SECRET_KEY": load_secret_key(instance_path),
        **load_vapid_keys(instance_path),
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(
            url, _flag("DATABASE_PREPARED_STATEMENTS", True)
        ),
        # Proxies whose X-Forwarded-* headers are believed (runpt/__init__.py: ProxyFix).
        "TRUSTED_PROXIES": trusted_proxies(),
        # First start creates or upgrades the schema and loads the exercise library.
        "AUTO_MIGRATE": _flag("AUTO_MIGRATE", True),
        # Offline gaps can last weeks: the remember-me cookie keeps a runner signed in.
        "REMEMBER_COOKIE_DURATION": timedelta(days=90),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        # A sync batch of 500 events with notes fits well inside 2 MB.
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "PASSWORD_HASH_METHOD": os.environ.get("PASSWORD_HASH_METHOD", "scrypt:32768:8:1"),
        "LOGIN_RATE_LIMIT": int(os.environ.get("LOGIN_RATE_LIMIT", "10")),
        # Reminders may go to a push service on this machine over plain http: only the
        # tests' stand-in push service needs it.
        "PUSH_ALLOW_LOOPBACK": _flag("PUSH_ALLOW_LOOPBACK", False),
        # Share links that open nothing (unknown, expired, revoked), per address in 15
        # minutes, counted in memory (runpt/security/flood.py): then 429 for more of them;
        # a real link still opens.
        "SHARE_RATE_LIMIT": int(os.environ.get("SHARE_RATE_LIMIT", "60")),
        # Anonymous pages that cost something (a routine's link page with its QR code,
        # pages opened with a share link), per address and minute in each app process: a
        # physio reading a report and a dozen exercises' progress fits.
        "PAGE_RATE_LIMIT": int(os.environ.get("PAGE_RATE_LIMIT", "60")),
        # The same pages from everyone together, per second in each app process (bursts
        # of two seconds' worth), then 503: a flood from many addresses leaves runners'
        # syncs their time. A link page costs ~20 ms, so this is ~1/5 of a core.
        "ANONYMOUS_PAGES_PER_SECOND": int(os.environ.get("ANONYMOUS_PAGES_PER_SECOND", "10")),
        # The same pages being made at once by the whole server (every worker process
        # together): past it, 503 at the door (runpt/security/flood.py), so however many
        # arrive together, they can take at most this many cores from runners' syncs.
        "ANONYMOUS_PAGES_AT_ONCE": int(os.environ.get("ANONYMOUS_PAGES_AT_ONCE", "2")),
        # Responses compressed by the app (runpt/compression.py) where the client accepts
        # it. gzip first, so browsers (which accept both alike) get it: a step fragment is
        # ~1.6 KB either way (brotli saves ~4%) and brotli costs the server ~0.07 ms more
        # CPU per fragment (docs/performance.md). Brotli for a client that prefers it.
        # Nothing is compressed as a stream: static files are read whole first.
        "COMPRESS_ALGORITHM": ["gzip", "br"],
        "COMPRESS_STREAMS": False,
    }
