"""Portal accounts for the demo, derived from the registry (passwords from the secret store)."""

from __future__ import annotations

from collections.abc import Callable

from kyodo.runner.demo.portal.app import Tenant
from kyodo.runner.demo.portal_b.app import TenantB
from kyodo.runner.registry import Municipality, Registry

# Towns whose portal still runs the older product version (other column names): their
# registry entries carry a column_map override, which is exactly what the demo shows off.
V2_CODES = frozenset({"352021", "352152", "355020"})


def tenants_from_registry(registry: Registry, secret: Callable[[str], str]) -> list[Tenant]:
    """One tenant per municipality with credentials; encodings alternate CP932 / UTF-8-BOM."""
    out = []
    for m in registry.all():
        if m.credentials is None or product_of(m) != "a":
            continue
        out.append(Tenant(
            code=m.code, name=m.name, user=m.credentials.user, password=secret(m.credentials.password_secret),
            encoding="utf-8-sig" if int(m.code) % 2 else "cp932",
            header_style="v2" if m.code in V2_CODES else "standard",
        ))
    return out


def product_of(m: Municipality) -> str:
    """Which demo product serves ``m``: "b" for the e-Shinsei profiles (denshi_b, denshi_b_lite), else "a"."""
    return "b" if (m.profile or "").startswith("denshi_b") else "a"


def tenants_b_from_registry(registry: Registry, secret: Callable[[str], str]) -> list[TenantB]:
    """Product B accounts: the municipalities whose profile is e-Shinsei; the lite edition has no export."""
    return [TenantB(code=m.code, name=m.name, user=m.credentials.user, password=secret(m.credentials.password_secret),
                    export=m.profile != "denshi_b_lite")
            for m in registry.all() if m.credentials is not None and product_of(m) == "b"]
