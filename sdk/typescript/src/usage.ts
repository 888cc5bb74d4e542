/** CPU and memory figures for heartbeats, from Node's `os` module. */

import os from "node:os";

/** Busy and total CPU time of the machine, in milliseconds, summed over its cores. */
export interface CpuSample {
  busy: number;
  total: number;
}

/** Reads the machine's CPU times; replaceable in tests. */
export type CpuReader = () => CpuSample | undefined;

/** Reads total and free memory in bytes; replaceable in tests. */
export type MemoryReader = () => { total: number; free: number };

/**
 * Machine-wide CPU and memory use in percent. CPU is measured between two calls (the first
 * call measures since boot). Where a figure cannot be read it is `undefined`, and Nexus keeps
 * the previous one.
 */
export class ResourceUsage {
  private last: CpuSample | undefined;

  constructor(
    private readonly readCpu: CpuReader = cpuTimes,
    private readonly readMemory: MemoryReader = () => ({ total: os.totalmem(), free: os.freemem() }),
  ) {}

  /** Share of CPU time not idle since the previous call. */
  cpuPercent(): number | undefined {
    const sample = this.readCpu();
    if (sample === undefined) {
      return undefined;
    }
    let { busy, total } = sample;
    if (this.last !== undefined) {
      busy -= this.last.busy;
      total -= this.last.total;
    }
    this.last = sample;
    return total > 0 ? round((100 * busy) / total) : undefined;
  }

  /** Share of memory in use: total less free (on Linux, free is `MemAvailable`). */
  memoryPercent(): number | undefined {
    const { total, free } = this.readMemory();
    return total > 0 ? round((100 * (total - free)) / total) : undefined;
  }
}

function cpuTimes(): CpuSample | undefined {
  const cores = os.cpus();
  if (cores.length === 0) {
    return undefined;
  }
  let busy = 0;
  let total = 0;
  for (const { times } of cores) {
    const all = times.user + times.nice + times.sys + times.idle + times.irq;
    total += all;
    busy += all - times.idle;
  }
  return { busy, total };
}

function round(percent: number): number {
  return Math.round(Math.min(100, Math.max(0, percent)) * 10) / 10;
}
