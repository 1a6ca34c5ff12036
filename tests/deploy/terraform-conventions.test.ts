/**
 * Conventions of the committed Terraform code that neither `terraform test` nor a plan can see
 * across modules: the closed sets (environments, log levels, log retentions) are written once, in
 * terraform/conventions.json, and are the sets the code and CloudWatch accept; every variable that
 * takes one validates against that file, never against a list of its own; the service modules pass
 * one `settings` object of one shape; and the manifests the module tests plan are valid manifests.
 */
import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOG_LEVELS } from '../../packages/shared/src/logger.ts';
import { manifestSchema } from '../../packages/tooling/src/manifests.ts';
import { repoRoot } from '../../packages/tooling/src/repo.ts';
import { hclBlocks, hclVariables, variableAllowedValues } from '../../scripts/lib/terraform-files.ts';

const terraformRoot = join(repoRoot, 'terraform');

/** The retentions CloudWatch Logs accepts (PutRetentionPolicy), in days. */
const CLOUDWATCH_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

interface Conventions {
  readonly environments: readonly string[];
  readonly log_levels: readonly string[];
  readonly log_retention_in_days: readonly number[];
}

const conventions = JSON.parse(readFileSync(join(terraformRoot, 'conventions.json'), 'utf8')) as Conventions;

/** Every file under terraform/ ending in `suffix`, once (the environments' files are links to environments/_shared). */
const terraformFiles = (suffix = '.tf'): string[] => {
  const seen = new Set<string>();
  const walk = (directory: string): string[] =>
    readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
      if (entry.name === '.terraform') return [];
      const path = join(directory, entry.name);
      if (entry.isDirectory()) return walk(path);
      if (!entry.name.endsWith(suffix)) return [];
      const real = realpathSync(path);
      if (seen.has(real)) return [];
      seen.add(real);
      return [real];
    });
  return walk(terraformRoot).sort();
};

/** Every variable of the committed code, as `<file>: var.<name>`, with its block. */
const variables = () =>
  terraformFiles().flatMap((file) =>
    [...hclVariables(readFileSync(file, 'utf8')).entries()].map(([name, block]) => ({
      where: `${relative(terraformRoot, file)}: var.${name}`,
      name,
      block,
    })),
  );

/** What a variable validates against the conventions, by the `contains(local.conventions.<set>, var.<value>)` it holds. */
const conventionChecks = (body: string): string[] =>
  [...body.matchAll(/contains\(\s*local\.conventions\.(\w+)\s*,\s*(var\.[\w.]+)\s*\)/g)]
    .map((match) => `${match[1]} ${match[2]}`)
    .sort();

/** The modules that call the service module: one per service. */
const serviceModules = (): string[] =>
  readdirSync(join(terraformRoot, 'modules'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .filter((name) =>
      readdirSync(join(terraformRoot, 'modules', name))
        .filter((file) => file.endsWith('.tf'))
        .some((file) =>
          /source\s*=\s*"\.\.\/service"/.test(
            readFileSync(join(terraformRoot, 'modules', name, file), 'utf8'),
          ),
        ),
    )
    .sort();

const settingsBlock = (module: string): string | undefined => {
  const text = readFileSync(join(terraformRoot, 'modules', module, 'variables.tf'), 'utf8');
  return hclBlocks(text, /^variable\s+"settings"$/)[0]?.body;
};

describe('terraform conventions', () => {
  it('lists exactly the log levels the code parses', () => {
    expect(conventions.log_levels).toEqual([...LOG_LEVELS]);
  });

  it('lists exactly the log retentions CloudWatch accepts', () => {
    expect(conventions.log_retention_in_days).toEqual(CLOUDWATCH_RETENTION_DAYS);
  });

  it('lists exactly the environments that have a folder', () => {
    // Prepare
    const folders = readdirSync(join(terraformRoot, 'environments'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== '_shared')
      .map((entry) => entry.name)
      .sort();

    // Assess
    expect([...conventions.environments].sort()).toEqual(folders);
  });

  it('has no variable validate against a list of its own', () => {
    // Act
    const literal = variables()
      .filter(({ name, block }) => variableAllowedValues(block, name) !== undefined)
      .map(({ where }) => where);

    // Assess
    expect(literal).toEqual([]);
  });

  it('validates every environment, log level and log retention against conventions.json', () => {
    // Prepare
    const sets: Record<string, string> = {
      environment: 'environments',
      log_level: 'log_levels',
      log_retention_in_days: 'log_retention_in_days',
      access_log_retention_in_days: 'log_retention_in_days',
    };
    const expected = Object.fromEntries(
      variables()
        .filter(({ name }) => name in sets)
        .map(({ where, name }) => [where, [`${sets[name]} var.${name}`]]),
    );

    // Act
    const found = Object.fromEntries(
      variables()
        .filter(({ name }) => name in sets)
        .map(({ where, block }) => [where, conventionChecks(block.body)]),
    );

    // Assess
    expect(Object.keys(found).length).toBeGreaterThanOrEqual(7);
    expect(found).toEqual(expected);
  });

  it('validates the settings of the service module against conventions.json', () => {
    expect(conventionChecks(settingsBlock('service') ?? '')).toEqual([
      'environments var.settings.environment',
      'log_levels var.settings.log_level',
      'log_retention_in_days var.settings.log_retention_in_days',
    ]);
  });

  it('keeps every service module thin: its settings passed on to the service module, one output', () => {
    // Act
    const modules = serviceModules();

    // Assess: what it declares beyond that is its own resources, which go in files of their own.
    expect(modules).toEqual(expect.arrayContaining(['tickets', 'users']));
    for (const module of modules) {
      const folder = join(terraformRoot, 'modules', module);
      const variablesText = readFileSync(join(folder, 'variables.tf'), 'utf8');
      const outputsText = readFileSync(join(folder, 'outputs.tf'), 'utf8');
      expect(
        { module, variables: [...variablesText.matchAll(/^variable\s+"(\w+)"/gm)].map((m) => m[1]) },
        'its one input',
      ).toEqual({ module, variables: ['settings'] });
      expect({ module, outputs: [...outputsText.matchAll(/^output\s+"(\w+)"/gm)].map((m) => m[1]) }).toEqual({
        module,
        outputs: ['service'],
      });
      expect(readFileSync(join(folder, 'main.tf'), 'utf8')).toMatch(
        new RegExp(`services/${module}/service\\.json`),
      );
    }
  });

  it('gives every alarm threshold the environments take the default of the module whose alarm it is', () => {
    // Prepare: `name = optional(number, <default>)` in each variable's type.
    const defaults = (file: string): Record<string, string> => {
      const block = hclVariables(readFileSync(join(terraformRoot, file), 'utf8')).get('alarm_thresholds');
      return Object.fromEntries(
        [...(block?.body ?? '').matchAll(/(\w+)\s*=\s*optional\(number,\s*([\d.]+)\)/g)].map((match) => [
          match[1] as string,
          match[2] as string,
        ]),
      );
    };

    // Act
    const environments = defaults(join('environments', '_shared', 'variables.tf'));
    const modules = {
      ...defaults(join('modules', 'platform', 'variables.tf')),
      ...defaults(join('modules', 'observability', 'variables.tf')),
    };

    // Assess
    expect(Object.keys(environments).length).toBeGreaterThanOrEqual(10);
    expect(environments).toEqual(modules);
  });

  it('plans module tests with manifests the manifest schema accepts', () => {
    // Prepare
    const fixtures = terraformFiles('.json').filter(
      (file) =>
        file.includes(`${join('tests', 'fixtures')}`) && /(service|publisher[\w-]*)\.json$/.test(file),
    );

    // Act
    const problems = fixtures.flatMap((file) => {
      const result = manifestSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      return result.success ? [] : [`${relative(terraformRoot, file)}: ${result.error.message}`];
    });

    // Assess
    expect(fixtures.length).toBeGreaterThanOrEqual(6);
    expect(problems).toEqual([]);
  });
});
