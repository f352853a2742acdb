"""How many profiles `mailcheck probe` probes at once by default.

Here, in the core, not in mailcheck.probe: the CLI shows it in `--help`, and `mailcheck
check` and `--help` load no probe code at all.
"""

# Probes mostly wait on the network, so a run takes about its slowest probe when they all
# run at once: 256 covers 300 profiles in one wave (measured with benchmarks/probe_bench.py:
# wall 1.1x the slowest probe, against 2.3x at 128) and keeps two sockets per probe within
# the usual limit of 1,024 open files.
DEFAULT_CONCURRENCY = 256
