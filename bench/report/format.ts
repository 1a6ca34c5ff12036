/**
 * Number formats of the report: sizes in KiB (as the build prints them), times, ratios, dollars,
 * and the verdict of a budget.
 */

const kib = (bytes: number | null | undefined) =>
  bytes === null || bytes === undefined ? 'n/a' : `${(bytes / 1024).toFixed(1)} KiB`;
const mib = (bytes: number | null | undefined) =>
  bytes === null || bytes === undefined ? 'n/a' : `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const ms = (value: number | null | undefined, digits = 0) =>
  value === null || value === undefined || !Number.isFinite(value) ? 'n/a' : `${value.toFixed(digits)} ms`;
const seconds = (milliseconds: number | null | undefined) =>
  milliseconds === null || milliseconds === undefined || !Number.isFinite(milliseconds)
    ? 'n/a'
    : milliseconds >= 60_000
      ? `${Math.floor(Math.round(milliseconds / 1000) / 60)} min${Math.round(milliseconds / 1000) % 60 ? ` ${Math.round(milliseconds / 1000) % 60} s` : ''}`
      : `${(milliseconds / 1000).toFixed(1)} s`;
const us = (value: number | null | undefined) =>
  value === null || value === undefined || !Number.isFinite(value) ? 'n/a' : `${value.toFixed(1)} µs`;
const times = (value: number | null | undefined, digits = 2) =>
  value === null || value === undefined || !Number.isFinite(value) ? 'n/a' : `${value.toFixed(digits)}×`;
const dollars = (value: number) => `$${value < 0.1 ? value.toFixed(4) : value.toFixed(2)}`;
const count = (value: number) => Math.round(value).toLocaleString('en');
const verdict = (pass: boolean | null) => (pass === null ? '—' : pass ? '**PASS**' : '**FAIL**');

export { count, dollars, kib, mib, ms, seconds, times, us, verdict };
