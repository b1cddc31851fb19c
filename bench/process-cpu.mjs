// CPU time of processes, read from /proc: which part of a stack a benchmark's wall time goes to
// (the Temporal dev server, a worker, PostgreSQL's backends). Linux only; elsewhere every read is 0.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let ticksPerSecond;
function clockTicks() {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** [pid, ppid, cpu seconds (user + system)] of a process, or undefined once it is gone. */
function stat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return [pid, Number(fields[1]), (Number(fields[11]) + Number(fields[12])) / clockTicks()];
  } catch {
    return undefined;
  }
}

function allProcesses() {
  let names = [];
  try {
    names = readdirSync('/proc').filter((n) => /^\d+$/.test(n));
  } catch {
    return [];
  }
  return names.map((n) => stat(Number(n))).filter((s) => s !== undefined);
}

/** Processes whose command line contains `text` (e.g. a data directory's path). */
export function pidsWithArgument(text) {
  return allProcesses()
    .map(([pid]) => pid)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    });
}

/** The pids with every descendant (a CLI shim that runs the real binary as its child included). */
export function withDescendants(pids) {
  const all = allProcesses();
  const found = new Set(pids);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of all)
      if (found.has(ppid) && !found.has(pid)) {
        found.add(pid);
        grew = true;
      }
  }
  return [...found];
}

/** CPU seconds used so far by each pid (0 for one that has ended). */
function cpuSeconds(pids) {
  return new Map(pids.map((pid) => [pid, stat(pid)?.[2] ?? 0]));
}

/**
 * Starts counting the CPU seconds of named groups of processes; `groups` maps a name to a function
 * listing the group's pids now. `stop()` gives each group's seconds since the start: processes
 * listed at the start or at the stop (one that started in between counts from its birth; one that
 * ended in between only up to the start, so measure long-lived processes).
 */
export function startCpuMeter(groups) {
  const start = Object.fromEntries(
    Object.entries(groups).map(([name, list]) => [name, cpuSeconds(list())]),
  );
  return {
    stop() {
      const out = {};
      for (const [name, list] of Object.entries(groups)) {
        const before = start[name];
        const now = cpuSeconds([...new Set([...before.keys(), ...list()])]);
        let sum = 0;
        for (const [pid, s] of now) sum += Math.max(0, s - (before.get(pid) ?? 0));
        out[name] = sum;
      }
      return out;
    },
  };
}
