/**
 * How busy the rest of the machine was: CPU time used by all processes (from /proc/stat) minus
 * our own, over the timed part of a run. The machine is shared, so every sample carries this.
 * Returns undefined where /proc/stat does not exist.
 */
import { readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ = 100 on Linux

function busyTicks(): number | undefined {
  try {
    const first = readFileSync('/proc/stat', 'latin1').split('\n', 1)[0];
    const v = first.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal
    return v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
  } catch {
    return undefined;
  }
}

export class OtherCpu {
  private readonly ticks = busyTicks();
  private readonly own = process.cpuUsage();

  /** CPU milliseconds other processes used since construction. */
  stop(): number | undefined {
    const end = busyTicks();
    if (this.ticks === undefined || end === undefined) return undefined;
    const own = process.cpuUsage(this.own);
    return Math.max(0, (end - this.ticks) * TICK_MS - (own.user + own.system) / 1000);
  }
}
