/**
 * Conventions of the committed Terraform code that neither `terraform test` nor a plan can see
 * across modules: every closed set a variable validates is the same set everywhere, and it is the
 * set the code itself accepts.
 */
import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOG_LEVELS } from '../../packages/shared/src/logger.ts';
import { hclVariables, variableAllowedValues } from '../../scripts/lib/terraform-files.ts';

const repoRoot = join(import.meta.dirname, '..', '..');
const terraformRoot = join(repoRoot, 'terraform');

/** The retentions CloudWatch Logs accepts (PutRetentionPolicy), in days. */
const CLOUDWATCH_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** Every .tf file once (the environments' files are links to environments/_shared). */
const terraformFiles = (): string[] => {
  const seen = new Set<string>();
  const walk = (directory: string): string[] =>
    readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
      if (entry.name === '.terraform') return [];
      const path = join(directory, entry.name);
      if (entry.isDirectory()) return walk(path);
      if (!entry.name.endsWith('.tf')) return [];
      const real = realpathSync(path);
      if (seen.has(real)) return [];
      seen.add(real);
      return [real];
    });
  return walk(terraformRoot).sort();
};

/** Every variable whose name matches, as `<file>: var.<name>`, with the values it validates against. */
const variablesNamed = (pattern: RegExp) =>
  terraformFiles().flatMap((file) =>
    [...hclVariables(readFileSync(file, 'utf8')).entries()]
      .filter(([name]) => pattern.test(name))
      .map(([name, block]) => ({
        where: `${relative(terraformRoot, file)}: var.${name}`,
        allowed: variableAllowedValues(block, name),
      })),
  );

describe('terraform conventions', () => {
  it('accepts exactly the log levels the code parses, in every module and environment', () => {
    // Prepare
    const expected = Object.fromEntries(
      [
        'environments/_shared/variables.tf',
        'modules/platform/variables.tf',
        'modules/tickets/variables.tf',
        'modules/users/variables.tf',
      ].map((file) => [`${file}: var.log_level`, [...LOG_LEVELS]]),
    );

    // Act
    const found = Object.fromEntries(variablesNamed(/^log_level$/).map((v) => [v.where, v.allowed]));

    // Assess
    expect(found).toEqual(expected);
  });

  it('accepts exactly the log retentions CloudWatch does, wherever a retention is an input', () => {
    // Prepare
    const expected = Object.fromEntries(
      [
        'environments/_shared/variables.tf: var.log_retention_in_days',
        'modules/lambda-function/variables.tf: var.log_retention_in_days',
        'modules/platform/variables.tf: var.access_log_retention_in_days',
        'modules/platform/variables.tf: var.log_retention_in_days',
        'modules/service/variables.tf: var.log_retention_in_days',
        'modules/tickets/variables.tf: var.log_retention_in_days',
        'modules/users/variables.tf: var.log_retention_in_days',
      ].map((where) => [where, CLOUDWATCH_RETENTION_DAYS]),
    );

    // Act
    const found = Object.fromEntries(
      variablesNamed(/log_retention_in_days$/).map((v) => [v.where, v.allowed]),
    );

    // Assess
    expect(found).toEqual(expected);
  });
});
