/**
 * Bundle size of each function against its SDK-only floor: all code, the code a cold start loads
 * statically, the code one cold start and its first request really load (traced in a child
 * process), gzip, and the zip that ships.
 */
import { statSync } from 'node:fs';
import { measureBundle } from '../lib/bundles.ts';
import type { Variant } from '../lib/invocations.ts';
import type { BundleRow, SizeResults } from '../lib/results.ts';
import { traceFirstRequest } from './cold.ts';

/**
 * Measures every floor and service variant (those with a bundle folder).
 *
 * @example
 * const size = await measureSizes(setup.variants, { dist: 'dist', budgetBytes: 250 * 1024 });
 */
const measureSizes = async (
  variants: readonly Variant[],
  options: {
    readonly dist: string;
    readonly compareDist?: string;
    readonly budgetBytes: number;
  },
): Promise<SizeResults> => {
  const bundles: BundleRow[] = [];
  for (const variant of variants) {
    if (variant.kind === 'node' || !variant.directory) continue;
    const size = measureBundle(variant.directory);
    const traced = await traceFirstRequest(variant, (file) => statSync(file).size);
    bundles.push({
      name: variant.name,
      kind: variant.kind,
      ...(variant.bundle ? { bundle: variant.bundle } : {}),
      ...(variant.floor ? { floor: variant.floor } : {}),
      rawBytes: size.rawBytes,
      coldStartBytes: size.coldStartBytes,
      firstRequestBytes: traced?.bytes ?? null,
      ...(variant.request ? { firstRequest: variant.request } : {}),
      gzipBytes: size.gzipBytes,
      zipBytes: size.zipBytes,
      files: size.files,
    });
  }
  return {
    dist: options.dist,
    ...(options.compareDist ? { compareDist: options.compareDist } : {}),
    budgetBytes: options.budgetBytes,
    bundles,
  };
};

export { measureSizes };
