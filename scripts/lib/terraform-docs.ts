/**
 * The inputs and outputs tables of the Terraform READMEs, generated from the code, as terraform-docs
 * would write them (terraform-docs itself is a Go binary this repository cannot assume): each
 * `terraform/modules/<name>/README.md` documents its module's variables and outputs, and
 * `terraform/README.md` the environments' (`environments/_shared`), between the markers
 * `<!-- BEGIN_TF_DOCS -->` and `<!-- END_TF_DOCS -->`. Everything outside the markers is prose and
 * stays as written.
 *
 * It reads `variable` and `output` blocks with the small HCL reader of terraform-files.ts: the
 * description (a string), the type and the default (any expression, shown as written on one line).
 *
 * @example
 * const stale = staleReadmes(repoRoot); // ['terraform/modules/service/README.md'] after a new variable
 * writeReadmes(repoRoot); // rewrites the generated sections
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { hclBlocks } from './terraform-files.ts';

const BEGIN = '<!-- BEGIN_TF_DOCS -->';
const END = '<!-- END_TF_DOCS -->';

interface TerraformInput {
  readonly name: string;
  readonly description: string;
  readonly type: string;
  /** The default as written, or undefined when the variable has none (and is required). */
  readonly default: string | undefined;
}

interface TerraformOutput {
  readonly name: string;
  readonly description: string;
}

/** One README and the code it documents. */
interface ReadmeTarget {
  /** The README, relative to the repository. */
  readonly readme: string;
  /** The folder whose `.tf` files it documents, relative to the repository. */
  readonly code: string;
  /** Heading and intro of each table. */
  readonly inputsHeading: string;
  readonly inputsIntro?: string;
  readonly outputsHeading: string;
}

/**
 * The top-level attributes of a block's body (`name = <expression>`), each expression as written;
 * nested blocks (`validation { ... }`) are skipped. Comments must already be removed.
 */
const blockAttributes = (body: string): Map<string, string> => {
  const attributes = new Map<string, string>();
  let index = 0;
  const skipString = (from: number): number => {
    let at = from + 1;
    while (at < body.length && body[at] !== '"') at += body[at] === '\\' ? 2 : 1;
    return at + 1;
  };
  /** The end of an expression starting at `from`: the first newline outside brackets and strings. */
  const expressionEnd = (from: number): number => {
    let depth = 0;
    let at = from;
    while (at < body.length) {
      const char = body[at];
      if (char === '"') {
        at = skipString(at);
        continue;
      }
      if (char === '(' || char === '[' || char === '{') depth += 1;
      else if (char === ')' || char === ']' || char === '}') depth -= 1;
      else if (char === '\n' && depth <= 0) return at;
      at += 1;
    }
    return at;
  };
  while (index < body.length) {
    const line = /^[ \t]*([A-Za-z_][\w-]*)[ \t]*(=|\{|"[^"\n]*"[ \t]*\{)?/.exec(body.slice(index));
    const lineEnd = body.indexOf('\n', index) === -1 ? body.length : body.indexOf('\n', index);
    if (!line?.[1] || !line[2]) {
      index = lineEnd + 1;
      continue;
    }
    const start = index + line[0].length;
    if (line[2] === '=') {
      const end = expressionEnd(start);
      attributes.set(line[1], body.slice(start, end).trim());
      index = end + 1;
    } else {
      // A nested block: skip to the brace that closes it.
      const end = expressionEnd(start - 1);
      index = end + 1;
    }
  }
  return attributes;
};

/** The value of an HCL string literal (`"..."`), or the text itself when it is none. */
const stringValue = (expression: string): string => {
  const quoted = /^"((?:[^"\\]|\\.)*)"$/s.exec(expression.trim());
  if (!quoted) return expression.trim();
  return (quoted[1] ?? '').replace(/\\(["\\nt])/g, (_, char: string) =>
    char === 'n' ? '\n' : char === 't' ? '\t' : char,
  );
};

/** Runs of blanks outside strings, as one space (`sid        = string` is `sid = string`). */
const squeezeBlanks = (line: string): string =>
  line
    .split(/("(?:[^"\\]|\\.)*")/)
    .map((part, index) => (index % 2 === 1 ? part : part.replace(/[ \t]+/g, ' ')))
    .join('');

/** An expression on one line: `object({ a = string, b = number })`, `[ "x", "y" ]`. */
const oneLine = (expression: string): string => {
  const lines = expression
    .split('\n')
    .map((line) => squeezeBlanks(line.trim()))
    .filter((line) => line !== '');
  let text = lines[0] ?? '';
  for (const line of lines.slice(1)) {
    const opens = /[({[,]$/.test(text);
    const closes = /^[)}\]]/.test(line);
    text += opens || closes ? ` ${line}` : `, ${line}`;
  }
  return text.replace(/,\s*([)}\]])/g, ' $1');
};

/** Every `variable` of the `.tf` files given (in their order), with its description, type and default. */
const terraformInputs = (files: readonly string[]): TerraformInput[] =>
  files.flatMap((text) =>
    hclBlocks(text, /^variable\s+"[^"]+"$/).map((block) => {
      const attributes = blockAttributes(block.body);
      const defaultValue = attributes.get('default');
      return {
        name: /^variable\s+"([^"]+)"$/.exec(block.header)?.[1] ?? '',
        description: stringValue(attributes.get('description') ?? ''),
        type: oneLine(attributes.get('type') ?? 'any'),
        default: defaultValue === undefined ? undefined : oneLine(defaultValue),
      };
    }),
  );

/** Every `output` of the `.tf` files given, with its description. */
const terraformOutputs = (files: readonly string[]): TerraformOutput[] =>
  files.flatMap((text) =>
    hclBlocks(text, /^output\s+"[^"]+"$/).map((block) => ({
      name: /^output\s+"([^"]+)"$/.exec(block.header)?.[1] ?? '',
      description: stringValue(blockAttributes(block.body).get('description') ?? ''),
    })),
  );

/** Text safe in a Markdown table cell. */
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n+/g, ' ').trim();

/** Code in a table cell: backticks, with pipes escaped. */
const code = (text: string): string => `\`${cell(text)}\``;

/** The generated section of a README: the two tables between the markers. */
const generatedSection = (
  target: ReadmeTarget,
  inputs: readonly TerraformInput[],
  outputs: readonly TerraformOutput[],
): string =>
  [
    BEGIN,
    `## ${target.inputsHeading}`,
    '',
    ...(target.inputsIntro ? [target.inputsIntro, ''] : []),
    ...(inputs.length === 0
      ? ['No inputs.']
      : [
          '| Name | Description | Type | Default | Required |',
          '|---|---|---|---|:---:|',
          ...inputs.map(
            (input) =>
              `| ${code(input.name)} | ${cell(input.description)} | ${code(input.type)} | ${input.default === undefined ? 'n/a' : code(input.default)} | ${input.default === undefined ? 'yes' : 'no'} |`,
          ),
        ]),
    '',
    `## ${target.outputsHeading}`,
    '',
    ...(outputs.length === 0
      ? ['No outputs.']
      : [
          '| Name | Description |',
          '|---|---|',
          ...outputs.map((output) => `| ${code(output.name)} | ${cell(output.description)} |`),
        ]),
    END,
  ].join('\n');

/** Every README the generator keeps: one per module, and the environments' in terraform/README.md. */
const readmeTargets = (root: string): ReadmeTarget[] => {
  const modules = join(root, 'terraform', 'modules');
  return [
    ...readdirSync(modules, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort()
      .map((name) => ({
        readme: join('terraform', 'modules', name, 'README.md'),
        code: join('terraform', 'modules', name),
        inputsHeading: 'Inputs',
        outputsHeading: 'Outputs',
      })),
    {
      readme: join('terraform', 'README.md'),
      code: join('terraform', 'environments', '_shared'),
      inputsHeading: 'Environment inputs',
      inputsIntro:
        "Each environment's `terraform.tfvars` sets these (the account ids there are placeholders: set yours).",
      outputsHeading: 'Environment outputs',
    },
  ];
};

/** The `.tf` files of a folder, by name. */
const terraformFilesOf = (folder: string): string[] =>
  readdirSync(folder)
    .filter((name) => name.endsWith('.tf'))
    .sort()
    .map((name) => readFileSync(join(folder, name), 'utf8'));

/** Where the markers stand on lines of their own (prose may name them in backticks), or undefined. */
const markerLines = (readme: string): [number | undefined, number | undefined] => {
  const begin = /^<!-- BEGIN_TF_DOCS -->$/m.exec(readme)?.index;
  const end = begin === undefined ? undefined : /^<!-- END_TF_DOCS -->$/m.exec(readme.slice(begin))?.index;
  return [begin, begin === undefined || end === undefined ? undefined : begin + end];
};

/**
 * A README with its generated section as the code says it should be. Without markers, the section
 * is added at the end.
 */
const renderReadme = (readme: string, section: string): string => {
  const [begin, end] = markerLines(readme);
  if (begin === undefined || end === undefined) return `${readme.trimEnd()}\n\n${section}\n`;
  return `${readme.slice(0, begin)}${section}${readme.slice(end + END.length)}`;
};

interface ReadmeState {
  readonly readme: string;
  readonly current: string;
  readonly expected: string;
  readonly hasMarkers: boolean;
}

const readmeStates = (root: string): ReadmeState[] =>
  readmeTargets(root).map((target) => {
    const files = terraformFilesOf(join(root, target.code));
    const path = join(root, target.readme);
    const current = existsSync(path) ? readFileSync(path, 'utf8') : `# ${target.code}\n`;
    const section = generatedSection(target, terraformInputs(files), terraformOutputs(files));
    return {
      readme: target.readme,
      current,
      expected: renderReadme(current, section),
      hasMarkers: markerLines(current).every((index) => index !== undefined),
    };
  });

/** The READMEs whose generated section differs from the code, or that have no markers, relative to `root`. */
const staleReadmes = (root: string): string[] =>
  readmeStates(root)
    .filter((state) => !state.hasMarkers || state.current !== state.expected)
    .map((state) => relative(root, join(root, state.readme)));

/** Rewrites every stale README; returns the ones it wrote. */
const writeReadmes = (root: string): string[] =>
  readmeStates(root)
    .filter((state) => state.current !== state.expected)
    .map((state) => {
      writeFileSync(join(root, state.readme), state.expected);
      return state.readme;
    });

export type { ReadmeTarget, TerraformInput, TerraformOutput };
export {
  BEGIN,
  blockAttributes,
  END,
  generatedSection,
  oneLine,
  renderReadme,
  staleReadmes,
  terraformInputs,
  terraformOutputs,
  writeReadmes,
};
