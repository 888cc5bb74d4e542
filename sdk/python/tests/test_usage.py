"""CPU and memory figures read from a /proc directory."""

from __future__ import annotations

from pathlib import Path

from nexus_agent.usage import ResourceUsage


def test_reads_memory_in_use(tmp_path: Path) -> None:
    (tmp_path / "meminfo").write_text("MemTotal:       1000 kB\nMemFree:  100 kB\nMemAvailable:    250 kB\n")
    assert ResourceUsage(tmp_path).memory_percent() == 75.0


def test_measures_cpu_between_two_calls(tmp_path: Path) -> None:
    stat = tmp_path / "stat"
    stat.write_text("cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 1 2 3 4\n")
    usage = ResourceUsage(tmp_path)
    assert usage.cpu_percent() == 20.0  # since boot: 200 busy of 1000
    stat.write_text("cpu  175 0 100 725 100 0 0 0 0 0\n")
    assert usage.cpu_percent() == 75.0  # 75 busy of 100 since the previous call


def test_gives_none_without_proc(tmp_path: Path) -> None:
    usage = ResourceUsage(tmp_path / "missing")
    assert usage.cpu_percent() is None
    assert usage.memory_percent() is None


def test_reads_this_machine() -> None:
    usage = ResourceUsage()
    if not Path("/proc/stat").exists():
        return
    cpu, memory = usage.cpu_percent(), usage.memory_percent()
    assert cpu is not None and 0 <= cpu <= 100
    assert memory is not None and 0 < memory <= 100
