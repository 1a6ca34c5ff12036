/**
 * The checks of committed Terraform files (scripts/lib/terraform-files.ts) that the Terraform check
 * runs on every environment: state settings, the provider's account pin, each tfvars naming its own
 * environment. Each must catch what it exists for.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkBackendSettings,
  checkProviderBlocks,
  checkTfvars,
  hclAttributes,
  hclBlocks,
} from '../../scripts/lib/terraform-files.ts';

const environmentsRoot = join(import.meta.dirname, '..', '..', 'terraform', 'environments');

const backend = (lines: Record<string, string>) =>
  Object.entries({
    bucket: '"tessera-terraform-state-111111111111"',
    key: '"tessera/dev/terraform.tfstate"',
    region: '"eu-west-1"',
    encrypt: 'true',
    use_lockfile: 'true',
    ...lines,
  })
    .filter(([, value]) => value !== '')
    .map(([name, value]) => `${name} = ${value}`)
    .join('\n');

const PROVIDER = `provider "aws" {
  region = var.region

  # Refuse to touch any account but this environment's.
  allowed_account_ids = [var.account_id]

  default_tags {
    tags = { Project = "tessera" }
  }
}
`;

describe('terraform files', () => {
  describe('backend.hcl', () => {
    it('passes settings that lock, encrypt and key the state by environment', () => {
      // Prepare
      const text = backend({});

      // Act
      const problems = checkBackendSettings('dev', text);

      // Assess
      expect(problems).toEqual([]);
    });

    it.each([
      ['missing', ''],
      ['false', 'false'],
      ['a string', '"true"'],
    ])('flags use_lockfile %s', (_case, value) => {
      // Prepare
      const text = backend({ use_lockfile: value });

      // Act
      const problems = checkBackendSettings('dev', text);

      // Assess
      expect(problems).toEqual([
        'dev/backend.hcl must set use_lockfile = true (state locking with a lock file)',
      ]);
    });

    it('does not count a commented-out use_lockfile', () => {
      // Prepare
      const text = `${backend({ use_lockfile: '' })}\n# use_lockfile = true\n// use_lockfile = true`;

      // Act
      const problems = checkBackendSettings('dev', text);

      // Assess
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain('use_lockfile = true');
    });

    it.each([
      ['another environment', '"tessera/prod/terraform.tfstate"'],
      ['no environment', '"tessera/terraform.tfstate"'],
      ['the name only inside a segment', '"tessera/devops/terraform.tfstate"'],
      ['no key at all', ''],
    ])('flags a state key naming %s', (_case, key) => {
      // Prepare
      const text = backend({ key });

      // Act
      const problems = checkBackendSettings('dev', text);

      // Assess
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain('dev/backend.hcl must set a state key with "dev" as a path segment');
    });

    it('flags unencrypted state and a missing bucket', () => {
      // Prepare
      const text = backend({ encrypt: 'false', bucket: '', key: '"tessera/staging/terraform.tfstate"' });

      // Act
      const problems = checkBackendSettings('staging', text);

      // Assess
      expect(problems).toEqual([
        'staging/backend.hcl must set encrypt = true',
        'staging/backend.hcl must name the state bucket',
      ]);
    });
  });

  describe('provider blocks', () => {
    it('passes a provider that pins the account', () => {
      // Prepare
      const files = [{ file: 'providers.tf', text: PROVIDER }];

      // Act
      const problems = checkProviderBlocks(files);

      // Assess
      expect(problems).toEqual([]);
    });

    it.each([
      ['missing', PROVIDER.replace('allowed_account_ids = [var.account_id]', '')],
      ['commented out', PROVIDER.replace('allowed_account_ids', '# allowed_account_ids')],
      ['a literal account', PROVIDER.replace('[var.account_id]', '["111111111111"]')],
      ['null', PROVIDER.replace('[var.account_id]', 'null')],
    ])('flags allowed_account_ids %s', (_case, text) => {
      // Prepare
      const files = [{ file: 'providers.tf', text }];

      // Act
      const problems = checkProviderBlocks(files);

      // Assess
      expect(problems).toEqual([
        'provider "aws" in providers.tf must set allowed_account_ids = [var.account_id]',
      ]);
    });

    it('flags a second provider, e.g. an alias, that does not pin the account', () => {
      // Prepare
      const aliased = 'provider "aws" {\n  alias  = "us_east_1"\n  region = "us-east-1"\n}\n';
      const files = [
        { file: 'providers.tf', text: PROVIDER },
        { file: 'certificates.tf', text: aliased },
      ];

      // Act
      const problems = checkProviderBlocks(files);

      // Assess
      expect(problems).toEqual([
        'provider "aws" (alias us_east_1) in certificates.tf must set allowed_account_ids = [var.account_id]',
      ]);
    });

    it.each([
      ['skip_credentials_validation = true'],
      ['access_key = "test"'],
      ['skip_requesting_account_id = true'],
    ])('flags %s in committed code', (line) => {
      // Prepare
      const text = PROVIDER.replace('region = var.region', `region = var.region\n  ${line}`);

      // Act
      const problems = checkProviderBlocks([{ file: 'providers.tf', text }]);

      // Assess
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain("which belongs in the offline check's override only");
    });

    it('flags code with no aws provider at all', () => {
      // Prepare
      const files = [{ file: 'main.tf', text: 'module "x" {\n  source = "./x"\n}\n' }];

      // Act
      const problems = checkProviderBlocks(files);

      // Assess
      expect(problems).toEqual(['no provider "aws" block found in the environments\' code']);
    });
  });

  describe('terraform.tfvars', () => {
    it('passes values that name their own environment, and flags any other', () => {
      // Prepare
      const text = 'environment = "prod"\naccount_id = "333333333333"\n';

      // Act
      const own = checkTfvars('prod', text);
      const copied = checkTfvars('staging', text);

      // Assess
      expect(own).toEqual([]);
      expect(copied).toEqual(['staging/terraform.tfvars must set environment = "staging", not "prod"']);
    });
  });

  describe('reading HCL', () => {
    it('finds blocks by header, past braces in strings and nested blocks', () => {
      // Prepare
      const text = [
        'variable "a" {',
        '  default = "{not a block}"',
        '  validation {',
        '    condition = contains(["x"], var.a) # }',
        '  }',
        '}',
        'variable "b" {}',
      ].join('\n');

      // Act
      const blocks = hclBlocks(text, /^variable\s+"[^"]+"$/);

      // Assess
      expect(blocks.map((block) => block.header)).toEqual(['variable "a"', 'variable "b"']);
      expect(blocks[0]?.body).toContain('validation {');
      expect(blocks[0]?.body).toContain('"{not a block}"');
    });

    it('reads top-level attributes only, with their types', () => {
      // Prepare
      const text = [
        'name = "dev" # a comment',
        'count = 3',
        'on = true',
        'list = [',
        '  "a",',
        ']',
        'block {',
        '  inner = "no"',
        '}',
      ].join('\n');

      // Act
      const attributes = Object.fromEntries(hclAttributes(text));

      // Assess
      expect(attributes).toEqual({ name: 'dev', count: 3, on: true, list: '[' });
    });
  });

  describe('the committed environments', () => {
    const environments = readdirSync(environmentsRoot).filter((name) => name !== '_shared');

    it.each(environments)('%s locks and keys its own state and names itself', (environment) => {
      // Prepare
      const folder = join(environmentsRoot, environment);

      // Act
      const problems = [
        ...checkBackendSettings(environment, readFileSync(join(folder, 'backend.hcl'), 'utf8')),
        ...checkTfvars(environment, readFileSync(join(folder, 'terraform.tfvars'), 'utf8')),
      ];

      // Assess
      expect(problems).toEqual([]);
    });

    it('pin their account in the provider block they share', () => {
      // Prepare
      const shared = join(environmentsRoot, '_shared');
      const files = readdirSync(shared)
        .filter((name) => name.endsWith('.tf'))
        .map((name) => ({ file: name, text: readFileSync(join(shared, name), 'utf8') }));

      // Act
      const problems = checkProviderBlocks(files);

      // Assess
      expect(environments).toEqual(expect.arrayContaining(['dev', 'staging', 'prod']));
      expect(problems).toEqual([]);
    });
  });
});
