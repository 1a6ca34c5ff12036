/**
 * The README generator (scripts/lib/terraform-docs.ts): it reads variables and outputs as written,
 * rewrites only what lies between its markers, and its check fails when a README drifts from the
 * code, which is what keeps the module READMEs honest.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../../packages/tooling/src/repo.ts';
import {
  BEGIN,
  END,
  renderReadme,
  staleReadmes,
  terraformInputs,
  terraformOutputs,
  writeReadmes,
} from '../../scripts/lib/terraform-docs.ts';

const VARIABLES = `
variable "name" {
  description = "Function name, e.g. \`tessera-dev-users\`; a | in it is escaped."
  type        = string

  validation {
    condition     = can(regex("^[a-z]+$", var.name))
    error_message = "The name is letters, not \\"anything\\"."
  }
}

# A comment that is no variable "hidden" { }
variable "statements" {
  description = "Allow statements."
  type = list(object({
    sid        = string
    actions    = list(string)
    conditions = optional(map(string), {})
  }))
  default = [
    "dynamodb:GetItem",
    "dynamodb:Query",
  ]
}

variable "tags" {
  description = "Tags."
  type        = map(string)
  default     = {}
}
`;

const OUTPUTS = `
output "service" {
  description = "What the environment hands the platform."
  value = {
    name = local.name
  }
}
`;

describe('Script: terraform-docs', () => {
  describe('reading the code', () => {
    it('reads each variable with its description, its type and default on one line, and whether it is required', () => {
      // Act
      const inputs = terraformInputs([VARIABLES]);

      // Assess
      expect(inputs).toEqual([
        {
          name: 'name',
          description: 'Function name, e.g. `tessera-dev-users`; a | in it is escaped.',
          type: 'string',
          default: undefined,
        },
        {
          name: 'statements',
          description: 'Allow statements.',
          type: 'list(object({ sid = string, actions = list(string), conditions = optional(map(string), {}) }))',
          default: '[ "dynamodb:GetItem", "dynamodb:Query" ]',
        },
        { name: 'tags', description: 'Tags.', type: 'map(string)', default: '{}' },
      ]);
    });

    it('reads each output with its description', () => {
      expect(terraformOutputs([OUTPUTS])).toEqual([
        { name: 'service', description: 'What the environment hands the platform.' },
      ]);
    });
  });

  describe('rendering a README', () => {
    it('replaces what lies between the markers and keeps the prose around them', () => {
      // Prepare
      const readme = `# service\n\nProse.\n\n${BEGIN}\nold tables\n${END}\n\n## After\n`;

      // Act
      const rendered = renderReadme(readme, `${BEGIN}\nnew tables\n${END}`);

      // Assess
      expect(rendered).toBe(`# service\n\nProse.\n\n${BEGIN}\nnew tables\n${END}\n\n## After\n`);
    });

    it('leaves markers named in the prose alone', () => {
      // Prepare
      const readme = `# service\n\nThe tables between \`${BEGIN}\` and \`${END}\` are generated.\n\n${BEGIN}\nold\n${END}\n`;

      // Act
      const rendered = renderReadme(readme, `${BEGIN}\nnew\n${END}`);

      // Assess
      expect(rendered).toBe(
        `# service\n\nThe tables between \`${BEGIN}\` and \`${END}\` are generated.\n\n${BEGIN}\nnew\n${END}\n`,
      );
    });

    it('adds the section at the end of a README without markers', () => {
      expect(renderReadme('# service\n', `${BEGIN}\nx\n${END}`)).toBe(`# service\n\n${BEGIN}\nx\n${END}\n`);
    });
  });

  describe('checking a tree', () => {
    let root: string;

    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    };

    beforeEach(() => {
      root = mkdtempSync(join(tmpdir(), 'tessera-terraform-docs-'));
      write('terraform/modules/example/variables.tf', VARIABLES);
      write('terraform/modules/example/outputs.tf', OUTPUTS);
      write('terraform/modules/example/README.md', `# example\n\nProse.\n\n${BEGIN}\n${END}\n`);
      write(
        'terraform/environments/_shared/variables.tf',
        'variable "environment" {\n  description = "Name."\n  type = string\n}\n',
      );
      write('terraform/README.md', `# Terraform\n\n${BEGIN}\n${END}\n`);
    });

    afterEach(() => {
      rmSync(root, { recursive: true, force: true });
    });

    it('writes the tables of every module and of the environments, then finds nothing stale', () => {
      // Prepare
      expect(staleReadmes(root)).toEqual(['terraform/modules/example/README.md', 'terraform/README.md']);

      // Act
      writeReadmes(root);

      // Assess
      expect(staleReadmes(root)).toEqual([]);
      const readme = readFileSync(join(root, 'terraform/modules/example/README.md'), 'utf8');
      expect(readme).toContain('# example\n\nProse.\n\n<!-- BEGIN_TF_DOCS -->\n## Inputs\n');
      expect(readme).toContain(
        '| `name` | Function name, e.g. `tessera-dev-users`; a \\| in it is escaped. | `string` | n/a | yes |',
      );
      expect(readme).toContain('| `tags` | Tags. | `map(string)` | `{}` | no |');
      expect(readme).toContain('| `service` | What the environment hands the platform. |');
      expect(readFileSync(join(root, 'terraform/README.md'), 'utf8')).toContain(
        "## Environment inputs\n\nEach environment's `terraform.tfvars` sets these",
      );
    });

    it('reports a README whose module gained a variable', () => {
      // Prepare
      writeReadmes(root);
      write(
        'terraform/modules/example/variables.tf',
        `${VARIABLES}\nvariable "extra" {\n  description = "New."\n  type = bool\n  default = true\n}\n`,
      );

      // Act
      const stale = staleReadmes(root);

      // Assess
      expect(stale).toEqual(['terraform/modules/example/README.md']);
    });

    it('reports a README without markers, even when its tables happen to match', () => {
      // Prepare
      writeReadmes(root);
      const readme = readFileSync(join(root, 'terraform/modules/example/README.md'), 'utf8');
      write('terraform/modules/example/README.md', readme.replace(BEGIN, '').replace(END, ''));

      // Act
      const stale = staleReadmes(root);

      // Assess
      expect(stale).toEqual(['terraform/modules/example/README.md']);
    });
  });

  it("keeps this repository's READMEs as the code says (npx tsx scripts/terraform-docs.ts rewrites them)", () => {
    expect(staleReadmes(repoRoot)).toEqual([]);
  });
});
