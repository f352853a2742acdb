"""Read `--format openmetrics` back as a monitoring system would: with both of prometheus_client's
parsers (OpenMetrics 1.0 and Prometheus text 0.0.4), which must agree on every sample."""

from __future__ import annotations

from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse_openmetrics
from prometheus_client.parser import text_string_to_metric_families as parse_prometheus

Metrics = dict[str, list[tuple[dict[str, str], float]]]


def read_metrics(text: str) -> Metrics:
    """Every sample by family: (labels, value); both parsers must read the same."""
    openmetrics = {f.name: [(s.labels, s.value) for s in f.samples] for f in parse_openmetrics(text)}
    prometheus = {f.name: [(s.labels, s.value) for s in f.samples] for f in parse_prometheus(text)}
    assert openmetrics == prometheus
    return openmetrics
