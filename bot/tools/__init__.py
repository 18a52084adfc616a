"""Offline tooling around the core: replay, reports, the score CLI, calibration, the
community simulator and benches. The runtime bot never imports this package."""
