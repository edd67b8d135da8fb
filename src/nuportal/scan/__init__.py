"""Parameter scans: excluded coupling intervals from event-count curves, and resumable mass scans."""

from nuportal.scan.contour import ExcludedInterval, excluded_interval, log_grid
from nuportal.scan.runner import run_mass_scan

__all__ = ["ExcludedInterval", "excluded_interval", "log_grid", "run_mass_scan"]
