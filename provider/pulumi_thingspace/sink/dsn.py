"""PostgreSQL connection URLs: recognise them and keep their password out of logs, reprs and errors."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlsplit

POSTGRES_SCHEMES = ("postgresql", "postgres")

MASK = "***"


def is_postgres_url(value: str) -> bool:
    """True for ``postgresql://...`` and ``postgres://...`` URLs (anything else is a SQLite file)."""
    scheme, sep, _ = value.partition("://")
    return bool(sep) and scheme.lower() in POSTGRES_SCHEMES


def mask_password(url: str) -> str:
    """``url`` with the password (in the user part or a ``password=`` parameter) replaced by ``***``."""
    rest, hash_, fragment = url.partition("#")
    base, question, query = rest.partition("?")
    scheme, sep, after = base.partition("://")
    netloc, slash, path = after.partition("/")
    userinfo, at, hosts = netloc.rpartition("@")
    user, colon, _ = userinfo.partition(":")
    netloc = f"{user}{colon and ':' + MASK}{at}{hosts}"
    query = "&".join(f"password={MASK}" if p.startswith("password=") else p for p in query.split("&"))
    return f"{scheme}{sep}{netloc}{slash}{path}{question}{query}{hash_}{fragment}"


def describe(target: str | Path) -> str:
    """A printable name for a store target: the file path, or the URL with its password masked."""
    text = str(target)
    return mask_password(text) if is_postgres_url(text) else text


def passwords(url: str) -> list[str]:
    """Every spelling of the URL's password(s) that could leak into a message (raw and decoded)."""
    parts = urlsplit(url)
    userinfo = parts.netloc.rpartition("@")[0]
    found = [userinfo.partition(":")[2]]
    found += [v for k, v in parse_qsl(parts.query) if k == "password"]
    spelled = {s for p in found if p for s in (p, unquote(p), quote(unquote(p), safe=""))}
    return sorted(spelled, key=len, reverse=True)


def scrub(text: str, url: str) -> str:
    """``text`` (an error message, say) with the password of ``url`` replaced by ``***``."""
    for secret in passwords(url):
        text = text.replace(secret, MASK)
    return text
