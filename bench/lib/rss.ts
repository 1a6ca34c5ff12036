/**
 * Memory of a process tree from /proc: the resident set size (VmRSS) of a process and of every
 * process under it (the devstack's DynamoDB Local `java`), sampled at an interval, and the
 * kernel's own peak (VmHWM). Linux only; elsewhere the samples are empty.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { RssPeak } from './results.ts';

interface ProcessMemory {
  readonly name: string;
  readonly rssBytes: number;
  readonly highWaterBytes: number;
}

const kib = (status: string, field: string): number => {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) * 1024 : 0;
};

const memoryOf = (pid: number): ProcessMemory | null => {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return {
      name: /^Name:\s+(.*)$/m.exec(status)?.[1] ?? String(pid),
      rssBytes: kib(status, 'VmRSS'),
      highWaterBytes: kib(status, 'VmHWM'),
    };
  } catch {
    return null;
  }
};

/** Every process whose ancestry leads to `root`, root included. */
const processTree = (root: number): number[] => {
  if (!existsSync('/proc')) return [];
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces; the parent pid follows it.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // The process ended while we looked.
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parents) if (ppid === tree[i] && !tree.includes(pid)) tree.push(pid);
  }
  return tree.filter((pid) => parents.has(pid));
};

/**
 * Samples the tree under `root` every `intervalMs` until stopped; names the root `rootName` and
 * each descendant by its command. `stop()` reads the high-water marks first, then returns the
 * peaks.
 *
 * @example
 * const sampler = sampleRss(child.pid, 'node (devstack)', 250);
 * // ... load ...
 * const peaks = sampler.stop();
 */
const sampleRss = (root: number, rootName: string, intervalMs: number) => {
  const peaks = new Map<number, { name: string; peak: number; highWater: number | null }>();
  const sample = () => {
    for (const pid of processTree(root)) {
      const memory = memoryOf(pid);
      if (!memory) continue;
      const known = peaks.get(pid);
      const name = pid === root ? rootName : memory.name;
      peaks.set(pid, {
        name,
        peak: Math.max(known?.peak ?? 0, memory.rssBytes),
        highWater: memory.highWaterBytes || known?.highWater || null,
      });
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    /** The pids seen so far (to clean up after a child that did not stop its own children). */
    pids: () => [...peaks.keys()],
    stop: (): RssPeak[] => {
      sample();
      clearInterval(timer);
      return [...peaks.values()].map((p) => ({
        process: p.name,
        peakSampledBytes: p.peak,
        highWaterBytes: p.highWater,
      }));
    },
  };
};

export { memoryOf, processTree, sampleRss };
