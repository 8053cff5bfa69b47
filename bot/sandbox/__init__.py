"""A simulated Slack workspace on loopback (shared by the tests, the demo and the benchmarks)."""
