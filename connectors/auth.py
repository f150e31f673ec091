"""Per-tenant credentials for the ingest API: bearer tokens and HMAC body signatures.

Configured as ``CALLSTREAM_INGEST_TOKENS="tenant:token,tenant2:token2"`` (one token per tenant)
and optionally ``CALLSTREAM_INGEST_HMAC_SECRETS`` in the same shape. Comparisons are constant-time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass, field


class AuthError(Exception):
    """Why a request is not authenticated; ``status`` is 401 (who are you?) or 403 (not allowed)."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(message)


def parse_pairs(value: str, what: str, *, shared_secrets: bool = True) -> dict[str, str]:
    """``"a:x,b:y"`` → ``{"a": "x", "b": "y"}``; a malformed entry is a configuration error.

    The error names a bad entry by its tenant, or by its position when it has no ``:`` (the
    entry may be all secret), never by its secret. A tenant listed twice is refused (which secret
    would win is no guess to leave to order, as for ``CALLSTREAM_WEB_USERS``), and so, with
    ``shared_secrets=False`` (bearer tokens: a token names its tenant), are two tenants with one
    secret."""
    pairs: dict[str, str] = {}
    owners: dict[str, str] = {}  # secret -> the first tenant that has it
    bad: list[str] = []
    for position, item in enumerate(filter(None, (part.strip() for part in value.split(","))), start=1):
        tenant, sep, secret = (part.strip() for part in item.partition(":"))
        if not sep:
            bad.append(f"entry {position} (no ':')")
        elif not tenant or not secret:
            bad.append(f"{tenant or f'entry {position}'} (empty tenant or secret)")
        elif tenant in pairs:
            bad.append(f"{tenant} (listed twice)")
        elif not shared_secrets and secret in owners:
            bad.append(f"{tenant} (same secret as {owners[secret]}: a request could not tell them apart)")
        else:
            pairs[tenant] = secret
            owners.setdefault(secret, tenant)
    if bad:
        raise ValueError(f"{what}: bad entries (each must look like tenant:secret): {', '.join(bad)}")
    return pairs


@dataclass(frozen=True)
class TenantAuth:
    """Maps credentials to the tenant they speak for."""

    tokens: dict[str, str] = field(default_factory=dict)  # tenant -> bearer token
    hmac_secrets: dict[str, str] = field(default_factory=dict)  # tenant -> HMAC-SHA256 secret

    def tenant_for(self, authorization: str | None, signature: str | None, body: bytes) -> str:
        """The authenticated tenant; raises :class:`AuthError` otherwise.

        A bearer token identifies the tenant; when that tenant has an HMAC secret, the
        ``X-Callstream-Signature: sha256=<hex>`` of the raw body is required as well.
        """
        tenant = self.tenant_of_headers(authorization, signature)
        self.check_body(tenant, signature, body)
        return tenant

    def tenant_of_headers(self, authorization: str | None, signature: str | None) -> str:
        """What the headers alone can tell, checked before the body is read: the bearer token's
        tenant, and that a signature is there when that tenant needs one (:meth:`check_body` then
        checks it against the body). Raises :class:`AuthError` (401) otherwise."""
        if not authorization or not authorization.lower().startswith("bearer "):
            raise AuthError(401, "missing bearer token (Authorization: Bearer <token>)")
        token = authorization[7:].strip().encode()
        tenant = None
        for name, expected in self.tokens.items():  # check every entry: timing does not reveal which matched
            if hmac.compare_digest(token, expected.encode()):
                tenant = name
        if tenant is None:
            raise AuthError(401, "unknown bearer token")
        if tenant in self.hmac_secrets and (not signature or not signature.startswith("sha256=")):
            raise AuthError(401, "missing X-Callstream-Signature: sha256=<hex HMAC of the body>")
        return tenant

    def check_body(self, tenant: str, signature: str | None, body: bytes) -> None:
        """Raises :class:`AuthError` (401) unless ``body`` carries the signature ``tenant`` needs."""
        secret = self.hmac_secrets.get(tenant)
        if secret is None:
            return
        if not signature or not signature.startswith("sha256="):
            raise AuthError(401, "missing X-Callstream-Signature: sha256=<hex HMAC of the body>")
        expected_sig = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(signature[7:].strip().lower().encode(), expected_sig.encode()):
            raise AuthError(401, "bad X-Callstream-Signature")


def twilio_signature(auth_token: str, url: str, params: dict[str, list[str]]) -> str:
    """Twilio's X-Twilio-Signature: base64 HMAC-SHA1 over the full URL followed by every POST
    parameter's name and value, names sorted (Twilio's "Webhooks security" documentation)."""
    data = url + "".join(name + value for name in sorted(params) for value in params[name])
    return base64.b64encode(hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()).decode()


def sign(secret: str, body: bytes) -> str:
    """The signature header value a client sends for ``body``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
