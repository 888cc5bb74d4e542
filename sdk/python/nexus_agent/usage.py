"""CPU and memory figures for heartbeats, read from Linux's /proc (no psutil)."""

from __future__ import annotations

from pathlib import Path


class ResourceUsage:
    """Machine-wide CPU and memory use in percent. CPU is measured between two calls (the
    first call measures since boot). Where /proc cannot be read, the figures are ``None``
    and Nexus keeps the previous ones."""

    def __init__(self, proc: Path = Path("/proc")) -> None:
        self._proc = proc
        self._last_cpu: tuple[int, int] | None = None

    def cpu_percent(self) -> float | None:
        """Share of CPU time not idle since the previous call."""
        sample = self._read_cpu()
        if sample is None:
            return None
        busy, total = sample
        if self._last_cpu is not None:
            busy, total = busy - self._last_cpu[0], total - self._last_cpu[1]
        self._last_cpu = sample
        return _round(100.0 * busy / total) if total > 0 else None

    def memory_percent(self) -> float | None:
        """Share of memory in use: ``MemTotal`` less ``MemAvailable``."""
        try:
            lines = (self._proc / "meminfo").read_text().splitlines()
        except OSError:
            return None
        values: dict[str, int] = {}
        for line in lines:
            name, _, rest = line.partition(":")
            parts = rest.split()
            if parts and parts[0].isdigit():
                values[name] = int(parts[0])
        total, available = values.get("MemTotal"), values.get("MemAvailable", values.get("MemFree"))
        if not total or available is None:
            return None
        return _round(100.0 * (total - available) / total)

    def _read_cpu(self) -> tuple[int, int] | None:
        try:
            first = (self._proc / "stat").read_text().splitlines()[0].split()
        except (OSError, IndexError):
            return None
        if not first or first[0] != "cpu":
            return None
        ticks = [int(value) for value in first[1:9]]
        idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
        total = sum(ticks)
        return total - idle, total


def _round(percent: float) -> float:
    return round(min(100.0, max(0.0, percent)), 1)
