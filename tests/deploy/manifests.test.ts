/**
 * The manifests, the contract and the code agree: every service has a manifest and every manifest a
 * service; the contract's owners (`x-tessera-service`) are served by exactly one function of their
 * manifest; every function's export exists in its bundle's entry; subscriptions name events of the
 * catalog from their real source; and the deploy script's own manifest reader sees the same
 * functions as the checked loader.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { catalog, isEventType } from '@tessera/shared/events';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { loadContract } from '../../packages/tooling/src/contract.ts';
import {
  allFunctions,
  loadManifests,
  loadServiceManifests,
  ManifestError,
  readManifest,
} from '../../packages/tooling/src/manifests.ts';
import { repoRoot } from '../../packages/tooling/src/repo.ts';

const manifests = loadManifests();
/** What every function gets without its manifest naming it. */
const ALWAYS_GIVEN = ['POWERTOOLS_LOG_LEVEL'];
const services = loadServiceManifests();
const contract = loadContract();

/** The named exports of a module, as esbuild reads them (no bundling, so nothing else is loaded). */
const exportsOf = async (entry: string): Promise<readonly string[]> => {
  const result = await build({
    entryPoints: [entry],
    bundle: false,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'node',
    outdir: 'out',
    logLevel: 'silent',
  });
  return Object.values(result.metafile.outputs).flatMap((output) => output.exports);
};

describe('Manifests', () => {
  it('exist for every service folder with code, and only there', () => {
    // Prepare
    const withCode = readdirSync(join(repoRoot, 'services')).filter((name) =>
      existsSync(join(repoRoot, 'services', name, 'src', 'index.ts')),
    );

    // Assess
    expect(services.map((m) => m.name).sort()).toEqual(withCode.sort());
  });

  it('give every owner of contract operations one function that serves them, and no one else one', () => {
    // Prepare
    const owners = [...new Set(contract.operations.map((op) => op.service))].sort();

    // Act
    const serving = services
      .filter((m) => Object.values(m.functions).some((fn) => fn.http === 'operations'))
      .map((m) => m.name)
      .sort();

    // Assess
    expect(serving).toEqual(owners);
  });

  it('name one HTTP authorizer when the contract secures operations', () => {
    // Prepare
    const secured = contract.operations.some((op) => op.secured);

    // Act
    const authorizers = allFunctions(manifests).filter((ref) => ref.fn.http === 'authorizer');

    // Assess
    expect(authorizers).toHaveLength(secured ? 1 : 0);
  });

  it('run only exports their bundle entry has', async () => {
    for (const manifest of manifests) {
      // Act
      const exported = await exportsOf(manifest.entryPath);

      // Assess
      for (const [name, fn] of Object.entries(manifest.functions)) {
        expect(exported, `${manifest.path}: ${name} runs ${fn.export}`).toContain(fn.export);
      }
    }
  });

  it('give each function exactly the environment its config reads, and read none it is not given', async () => {
    for (const manifest of manifests) {
      // Prepare: every entry has its config.ts beside it, with a schema per function.
      const { schemas } = (await import(join(dirname(manifest.entryPath), 'config.ts'))) as {
        schemas: Record<string, () => { shape: Record<string, { optional: boolean }> }>;
      };

      for (const [name, fn] of Object.entries(manifest.functions)) {
        // Act
        const shape = schemas[name]?.().shape;
        const where = `${manifest.path}: ${name}`;

        // Assess
        expect(shape, `${where} has a config schema`).toBeDefined();
        const read = Object.keys(shape ?? {});
        const required = Object.entries(shape ?? {})
          .filter(([, field]) => !field.optional)
          .map(([variable]) => variable);
        const given = [...Object.keys(fn.environment), ...ALWAYS_GIVEN];
        expect(
          required.filter((variable) => !given.includes(variable)),
          `${where} needs variables it is not given`,
        ).toEqual([]);
        expect(
          Object.keys(fn.environment).filter((variable) => !read.includes(variable)),
          `${where} is given variables it does not read`,
        ).toEqual([]);
      }
    }
  });

  it('subscribe to events of the catalog, from the service that publishes them', () => {
    for (const manifest of manifests) {
      for (const subscription of manifest.subscriptions) {
        // Prepare
        const where = `${manifest.path}: ${subscription.name}`;
        const types = subscription.pattern['detail-type'];
        const sources = subscription.pattern.source;

        // Assess
        expect(Array.isArray(types), `${where} names its detail-types`).toBe(true);
        for (const type of types as unknown[]) {
          expect(isEventType(type), `${where}: ${String(type)} is in the catalog`).toBe(true);
          if (isEventType(type))
            expect(sources, `${where}: the source of ${type}`).toContain(catalog[type].source);
        }
      }
    }
  });

  it('list the same functions for the deploy script as for every other tool', () => {
    // Act
    const listed = execFileSync(
      process.execPath,
      [join(repoRoot, 'scripts', 'lib', 'deployables.mjs'), repoRoot],
      {
        encoding: 'utf8',
      },
    )
      .trim()
      .split('\n');

    // Assess
    expect(listed).toEqual(allFunctions(manifests).map((ref) => `${ref.manifest.name} ${ref.name}`));
  });
});

describe('Function: readManifest', () => {
  const withManifest = (manifest: unknown, check: (path: string) => void) => {
    const folder = mkdtempSync(join(tmpdir(), 'tessera-manifest-'));
    try {
      writeFileSync(join(folder, 'index.ts'), 'export const handler = () => undefined;\n');
      writeFileSync(join(folder, 'service.json'), JSON.stringify(manifest));
      check(join(folder, 'service.json'));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  };
  const base = {
    name: 'rooms',
    description: 'A service for this test.',
    entry: 'index.ts',
    functions: {
      rooms: {
        description: 'The function.',
        export: 'handler',
        memorySize: 256,
        timeout: 10,
        environment: {},
      },
    },
  };

  it('reads a minimal manifest with its defaults', () => {
    withManifest(base, (path) => {
      // Act
      const manifest = readManifest(path, repoRoot);

      // Assess
      expect(manifest.subscriptions).toEqual([]);
      expect(manifest.secrets).toEqual({});
      expect(manifest.tableDeclaration).toBeUndefined();
    });
  });

  it('refuses an environment variable whose secret, setting or table is not declared', () => {
    // Prepare
    const manifest = {
      ...base,
      functions: {
        rooms: {
          ...base.functions.rooms,
          environment: { A: { secret: 'nope' }, B: { setting: 'nope' }, C: { table: 'name' } },
        },
      },
    };

    withManifest(manifest, (path) => {
      // Act
      const read = () => readManifest(path, repoRoot);

      // Assess
      expect(read).toThrow(ManifestError);
      expect(read).toThrow(/A names no declared secret/);
      expect(read).toThrow(/B names no declared setting/);
      expect(read).toThrow(/C names the table, and there is none/);
    });
  });

  it('refuses a function named for another service, and a variable Lambda sets itself', () => {
    // Prepare
    const manifest = {
      ...base,
      functions: {
        bookings: { ...base.functions.rooms, environment: { AWS_REGION: { value: 'eu-west-1' } } },
      },
    };

    withManifest(manifest, (path) => {
      // Act
      const read = () => readManifest(path, repoRoot);

      // Assess
      expect(read).toThrow(/function bookings: its name is rooms or starts with rooms-/);
      expect(read).toThrow(/AWS_REGION is set by Lambda or for every function/);
    });
  });

  it('refuses a subscription whose target function is not declared, and fills in queue defaults', () => {
    // Prepare
    const subscription = {
      name: 'events',
      description: 'Some events.',
      pattern: { source: ['tessera.users'] },
      target: { function: 'rooms', queue: {} },
    };

    withManifest(
      { ...base, subscriptions: [{ ...subscription, target: { function: 'rooms-worker' } }] },
      (path) => {
        expect(() => readManifest(path, repoRoot)).toThrow(/target function rooms-worker is not declared/);
      },
    );
    withManifest({ ...base, subscriptions: [subscription] }, (path) => {
      // Act
      const [read] = readManifest(path, repoRoot).subscriptions;

      // Assess
      expect(read?.target.queue).toEqual({
        maxReceiveCount: 3,
        batchSize: 10,
        maximumBatchingWindow: 0,
        maximumConcurrency: 2,
      });
    });
  });

  it('keeps the committed manifests valid JSON that names its schema', () => {
    for (const manifest of manifests) {
      const json = JSON.parse(readFileSync(join(repoRoot, manifest.path), 'utf8')) as { $schema?: string };
      expect(json.$schema, manifest.path).toMatch(/service-manifest\.schema\.json$/);
    }
  });
});
