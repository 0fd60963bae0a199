/**
 * Peak memory of this Node process plus a PostgreSQL server's process tree, sampled from /proc.
 * RSS counts shared buffers once per backend that touched them, so the sum over-counts;
 * PSS (/proc/<pid>/smaps_rollup) shares each page among its users and does not.
 */
import fs from 'node:fs';

export interface MemoryPeak {
  /** Peak of (Node RSS + every PostgreSQL process' RSS), sampled together. */
  totalRssMb: number;
  /** Peak of the same sum in PSS (sampled less often); null when smaps_rollup is not readable. */
  totalPssMb: number | null;
  nodeRssMb: number;
  postgresRssMb: number;
  postgresPssMb: number | null;
  /** Most PostgreSQL processes seen at once. */
  postgresProcesses: number;
  samples: number;
}

const kb = (text: string, field: string): number | undefined => {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
};
const read = (file: string): string | undefined => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

/** The postmaster and all of its children (backends, checkpointer, walwriter, autovacuum…). */
export function processTree(postmasterPid: number): number[] {
  const pids = [postmasterPid];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = read(`/proc/${entry}/stat`);
    // "pid (comm) state ppid …": comm may contain spaces, so parse after the last ')'.
    const ppid = stat ? Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) : NaN;
    if (ppid === postmasterPid) pids.push(Number(entry));
  }
  return pids;
}

const PAGE_KB = 4;
/** Resident set in kB from /proc/<pid>/statm (cheap: read every sample). */
function rssKb(pid: number): number | undefined {
  const statm = read(`/proc/${pid}/statm`);
  const pages = statm ? Number(statm.split(' ')[1]) : NaN;
  return Number.isFinite(pages) ? pages * PAGE_KB : undefined;
}

/** Proportional set in kB from /proc/<pid>/smaps_rollup (costly: ≈ 10 ms for a big Node heap). */
function pssKb(pid: number): number | undefined {
  const rollup = read(`/proc/${pid}/smaps_rollup`);
  return rollup ? kb(rollup, 'Pss') : undefined;
}

/** The postmaster pid from a data directory's postmaster.pid (first line). */
export function postmasterPid(pgDataDir: string): number | undefined {
  const text = read(`${pgDataDir}/postmaster.pid`);
  const pid = Number(text?.split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * Samples RSS every `everyMs` and PSS every `pssEveryMs` (reading smaps_rollup walks page
 * tables, too costly for every sample on a 2-core machine). The process list is refreshed each second.
 */
export class MemorySampler {
  private timer: NodeJS.Timeout | undefined;
  private peak = emptyPeak();
  private pids: number[] = [];
  private pidsAt = 0;
  private pssAt = 0;

  constructor(
    private readonly postmaster: number | undefined,
    private readonly everyMs = 200,
    private readonly pssEveryMs = 2000,
    /** How often the PostgreSQL process list is refreshed (it scans all of /proc, which blocks). */
    private readonly treeEveryMs = 1000,
  ) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.everyMs);
    this.timer.unref();
    return this;
  }

  /** The peaks since the last call, then starts a new phase. */
  takePeak(): MemoryPeak {
    this.sample(true);
    const peak = this.peak;
    this.peak = emptyPeak();
    return peak;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sample(withPss = false): void {
    const now = Date.now();
    if (this.postmaster && now - this.pidsAt >= this.treeEveryMs) {
      this.pids = processTree(this.postmaster);
      this.pidsAt = now;
    }
    const sum = (f: (pid: number) => number | undefined): number | undefined =>
      this.pids.reduce<number | undefined>((total, pid) => {
        const v = f(pid);
        return total === undefined || v === undefined ? total : total + v;
      }, 0);
    const mb = (k: number) => Math.round(k / 1024);
    const p = this.peak;
    const nodeRss = rssKb(process.pid) ?? 0;
    const pgRss = sum(rssKb) ?? 0;
    p.samples++;
    p.nodeRssMb = Math.max(p.nodeRssMb, mb(nodeRss));
    p.postgresRssMb = Math.max(p.postgresRssMb, mb(pgRss));
    p.totalRssMb = Math.max(p.totalRssMb, mb(nodeRss + pgRss));
    p.postgresProcesses = Math.max(p.postgresProcesses, this.pids.length);
    if (withPss || now - this.pssAt >= this.pssEveryMs) {
      this.pssAt = now;
      const nodePss = pssKb(process.pid);
      const pgPss = sum(pssKb);
      if (nodePss !== undefined && pgPss !== undefined) {
        p.postgresPssMb = Math.max(p.postgresPssMb ?? 0, mb(pgPss));
        p.totalPssMb = Math.max(p.totalPssMb ?? 0, mb(nodePss + pgPss));
      }
    }
  }
}

const emptyPeak = (): MemoryPeak => ({ totalRssMb: 0, totalPssMb: null, nodeRssMb: 0, postgresRssMb: 0, postgresPssMb: null, postgresProcesses: 0, samples: 0 });
