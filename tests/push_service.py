"""A stand-in push service on loopback, for tests with no real one: it takes Web Push
messages the way Mozilla's and Google's do, checks each one's VAPID signature (RFC 8292)
and decrypts its body (aes128gcm, RFC 8291) with the keys of a subscriber the test made
itself, so a test reads exactly what a phone would show."""

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import http_ece
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Subscriber:
    """A phone's side of a subscription: its key pair and auth secret."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth_secret: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def keys(self) -> dict:
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {"p256dh": b64url(point), "auth": b64url(self.auth_secret)}

    def as_json(self) -> dict:
        """What PushSubscription.toJSON() gives a page."""
        return {"endpoint": self.endpoint, "expirationTime": None, "keys": self.keys}


def verified_vapid(authorization: str, audience: str) -> dict:
    """The claims of a `vapid t=..., k=...` header, after checking its ES256 signature
    with the key it names and that it is meant for this push service and not expired."""
    scheme, _, rest = authorization.partition(" ")
    assert scheme == "vapid", authorization
    parts = dict(part.strip().split("=", 1) for part in rest.split(","))
    token, public = parts["t"], unb64url(parts["k"])
    header, claims, signature = token.split(".")
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), public)
    raw = unb64url(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    # Raises InvalidSignature when the token wasn't signed with the named key.
    key.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
    assert json.loads(unb64url(header))["alg"] == "ES256"
    decoded = json.loads(unb64url(claims))
    assert decoded["aud"] == audience, decoded
    assert decoded["exp"] > time.time()
    assert decoded["sub"].startswith(("mailto:", "https:"))
    decoded["public_key"] = parts["k"]
    return decoded


class PushService:
    """Run with `with PushService() as service:`; `service.subscriber(name)` makes a
    phone; `service.received` lists what arrived: decrypted JSON bodies with their
    subscriber's name, VAPID claims and headers. A subscriber named "gone" answers 410,
    "unknown" 404."""

    def __init__(self, delay: float = 0.0):
        self.delay = delay
        self.subscribers: dict[str, Subscriber] = {}
        self.received: list[dict] = []
        self.problems: list[str] = []
        self.lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                service.take(self)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def subscriber(self, name: str) -> Subscriber:
        self.subscribers[name] = Subscriber(f"{self.origin}/push/{name}")
        return self.subscribers[name]

    def take(self, handler: BaseHTTPRequestHandler) -> None:
        name = urlsplit(handler.path).path.rsplit("/", 1)[-1]
        body = handler.rfile.read(int(handler.headers.get("Content-Length", 0)))
        status = {"gone": 410, "unknown": 404}.get(name, 201)
        try:
            claims = verified_vapid(handler.headers["Authorization"], self.origin)
            assert handler.headers["Content-Encoding"] == "aes128gcm"
            assert int(handler.headers["TTL"]) > 0
            subscriber = self.subscribers[name]
            plain = http_ece.decrypt(
                body, private_key=subscriber.private_key,
                auth_secret=subscriber.auth_secret, version="aes128gcm",
            )  # fmt: skip
            time.sleep(self.delay)
            with self.lock:
                if status == 201:
                    self.received.append(
                        {"to": name, "body": json.loads(plain), "claims": claims,
                         "headers": {k.lower(): v for k, v in handler.headers.items()}}
                    )  # fmt: skip
        except Exception as problem:  # noqa: BLE001 - the test reads what went wrong
            with self.lock:
                self.problems.append(f"{name}: {problem!r}")
            status = 400
        handler.send_response(status)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
