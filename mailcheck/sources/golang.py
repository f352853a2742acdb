"""What Go programs do with a "host:port" (Grafana's `host`, Gitea's `HOST`, Alertmanager's
`smarthost`): net.SplitHostPort, whose errors are what the apps print when they fail.

Go's source: src/net/ipsock.go, SplitHostPort (https://github.com/golang/go): a bracketed
IPv6 literal keeps its colons; otherwise the last colon splits, and another colon before it
is "too many colons"; brackets anywhere else are unexpected.
"""

from __future__ import annotations

MISSING_PORT = "missing port in address"


def split_host_port(value: str) -> tuple[str, str] | str:
    """(host, port) as net.SplitHostPort splits `value`, or its error's reason."""
    if value.startswith("["):
        close = value.find("]")
        if close < 0:
            return "missing ']' in address"
        rest = value[close + 1 :]
        if rest == "":
            return MISSING_PORT
        if not rest.startswith(":"):
            return "unexpected characters after ']'"
        host, port = value[1:close], rest[1:]
    else:
        if ":" not in value:
            return MISSING_PORT
        host, port = value.rsplit(":", 1)
        if ":" in host:
            return "too many colons in address"
    if any(c in host for c in "[]") or any(c in port for c in "[]"):
        return "unexpected bracket in address"
    return host, port
