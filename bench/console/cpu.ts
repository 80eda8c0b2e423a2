// How busy the machine was with other work while a part of bench:console ran: the CPU time
// of all processes (/proc/stat) less that of this process and its descendants (the server runs in
// this process; the Playwright driver and Chromium are children). A descendant's time counts
// while it lives (utime + stime) and, once reaped, in its parent's cutime + cstime, so Chromium's
// closed renderers are not lost. Linux only; elsewhere it answers nothing.
import { readdirSync, readFileSync } from 'node:fs';

interface Snapshot {
  total: number;
  busy: number;
  mine: number;
}

function fields(stat: string): string[] {
  // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

function snapshot(): Snapshot | undefined {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = cpu.reduce((a, b) => a + b, 0);
    const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
    const parent = new Map<number, number>();
    const time = new Map<number, number>();
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const f = fields(readFileSync(`/proc/${name}/stat`, 'utf8'));
        // After "(comm) ": state 0, ppid 1, ..., utime 11, stime 12, cutime 13, cstime 14.
        parent.set(Number(name), Number(f[1]));
        time.set(Number(name), Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]));
      } catch {
        // Gone meanwhile.
      }
    }
    const mineOf = (pid: number): boolean => {
      for (let p: number | undefined = pid, hops = 0; p !== undefined && p > 1 && hops < 64; p = parent.get(p), hops++)
        if (p === process.pid) return true;
      return false;
    };
    let mine = 0;
    for (const [pid, t] of time) if (mineOf(pid)) mine += t;
    return { total, busy: total - idle, mine };
  } catch {
    return undefined;
  }
}

/** Starts counting; stop() answers the share of all CPUs other processes used meanwhile (0–1). */
export function otherLoad(): { stop(): number | null } {
  const a = snapshot();
  return {
    stop() {
      const b = snapshot();
      if (!a || !b || b.total <= a.total) return null;
      return Math.max(0, (b.busy - a.busy - (b.mine - a.mine)) / (b.total - a.total));
    },
  };
}
