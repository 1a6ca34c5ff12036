/**
 * The machine and tree a run measured: CPU model (from /proc/cpuinfo), cores, memory, Node, OS,
 * the commit, and which files outside bench/ and docs/ differed from it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { repoRoot } from '../../packages/tooling/src/repo.ts';
import type { Environment } from './results.ts';

const git = (...args: string[]) => {
  try {
    return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' });
  } catch {
    return '';
  }
};

const cpuModel = () => {
  if (existsSync('/proc/cpuinfo')) {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match?.[1]) return match[1].trim();
  }
  return cpus()[0]?.model ?? 'unknown';
};

const osName = () => {
  const text = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
  const pretty = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(text)?.[1];
  return `${pretty ?? process.platform}, kernel ${release()}`;
};

/** Describes this machine and the working tree now. */
const describeEnvironment = (): Environment => ({
  cpu: cpuModel(),
  cores: cpus().length,
  memoryGiB: totalmem() / 1024 ** 3,
  node: process.version,
  os: osName(),
  commit: git('rev-parse', 'HEAD').trim() || 'unknown',
  // `XY path` per line; the two status columns may both be spaces.
  uncommitted: git('status', '--porcelain')
    .split('\n')
    .map((line) => line.slice(3).trim())
    .filter((file) => file && !file.startsWith('bench/') && !file.startsWith('docs/')),
  loadAverage: { start: loadavg()[0] ?? 0 },
});

export { describeEnvironment };
