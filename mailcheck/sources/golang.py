"""What Go programs do with a "host:port" (Grafana's `host`, Gitea's `HOST`, Alertmanager's
`smarthost`): net.SplitHostPort, whose errors are what the apps print when they fail.

Go's source: src/net/ipsock.go, SplitHostPort (golang/go): the last colon splits; a host in
brackets may hold colons, and nothing but the port's colon may follow the `]`; a colon
before the last one outside brackets is "too many colons"; a bracket anywhere else is
unexpected.
"""

from __future__ import annotations

MISSING_PORT = "missing port in address"


def split_host_port(value: str) -> tuple[str, str] | str:
    """(host, port) as net.SplitHostPort splits `value`, or its error's reason (Go's words)."""
    colon = value.rfind(":")
    if colon < 0:
        return MISSING_PORT
    start, after_bracket = 0, 0
    if value.startswith("["):
        end = value.find("]")
        if end < 0:
            return "missing ']' in address"
        if end + 1 == len(value):
            return MISSING_PORT
        if end + 1 != colon:
            return "too many colons in address" if value[end + 1] == ":" else MISSING_PORT
        host = value[1:end]
        start, after_bracket = 1, end + 1
    else:
        host = value[:colon]
        if ":" in host:
            return "too many colons in address"
    if "[" in value[start:]:
        return "unexpected '[' in address"
    if "]" in value[after_bracket:]:
        return "unexpected ']' in address"
    return host, value[colon + 1 :]
