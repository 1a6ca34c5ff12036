/**
 * Reads committed Terraform files closely enough to check the rules a plan cannot show: how each
 * environment keeps its state (backend.hcl), which account the provider may touch, which values the
 * variables accept. Not an HCL parser: it finds blocks by their header and balanced braces, and reads
 * `name = value` attributes whose value is a string, a boolean or a number.
 *
 * @example
 * const problems = checkBackendSettings('prod', readFileSync('terraform/environments/prod/backend.hcl', 'utf8'));
 * const providers = checkProviderBlocks([{ file: 'providers.tf', text }]);
 */

/** A block found in a file: its header (`variable "log_level"`) and the text between its braces. */
interface HclBlock {
  readonly header: string;
  readonly body: string;
}

type HclValue = string | boolean | number;

/** Removes `#`, `//` and `/* *\/` comments, leaving strings (and their `#`, `//`) alone. */
const stripHclComments = (text: string): string => {
  let out = '';
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    const next = text[index + 1];
    if (inString) {
      out += char;
      if (char === '\\') {
        out += next ?? '';
        index += 1;
      } else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') {
      inString = true;
      out += char;
    } else if (char === '#' || (char === '/' && next === '/')) {
      while (index < text.length && text[index] !== '\n') index += 1;
      out += '\n';
    } else if (char === '/' && next === '*') {
      const end = text.indexOf('*/', index + 2);
      index = end === -1 ? text.length : end + 1;
    } else out += char;
  }
  return out;
};

/** The index of the brace that closes the one at `open`, or -1; braces inside strings do not count. */
const closingBrace = (text: string, open: number): number => {
  let depth = 0;
  let inString = false;
  for (let index = open; index < text.length; index += 1) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{') depth += 1;
    else if (char === '}') {
      depth -= 1;
      if (depth === 0) return index;
    }
  }
  return -1;
};

/**
 * Every block whose header matches `header` (for example `/^provider\s+"aws"/` or
 * `/^variable\s+"[^"]+"/`), at any depth, comments removed.
 */
const hclBlocks = (text: string, header: RegExp): HclBlock[] => {
  const code = stripHclComments(text);
  const blocks: HclBlock[] = [];
  const opening = /^[ \t]*([A-Za-z_][\w-]*(?:[ \t]+(?:"[^"\n]*"|[A-Za-z_][\w-]*))*)[ \t]*\{/gm;
  for (let match = opening.exec(code); match; match = opening.exec(code)) {
    const headerText = (match[1] ?? '').trim();
    if (!header.test(headerText)) continue;
    const open = match.index + match[0].length - 1;
    const close = closingBrace(code, open);
    if (close === -1) continue;
    blocks.push({ header: headerText, body: code.slice(open + 1, close) });
  }
  return blocks;
};

const parseValue = (raw: string): HclValue => {
  const quoted = /^"((?:[^"\\]|\\.)*)"$/.exec(raw);
  if (quoted) return (quoted[1] ?? '').replace(/\\(.)/g, '$1');
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  return raw;
};

/**
 * The top-level `name = value` attributes of a file such as backend.hcl or terraform.tfvars. A value
 * that is no string, boolean or number (a list, an expression) is kept as its text.
 */
const hclAttributes = (text: string): Map<string, HclValue> => {
  const attributes = new Map<string, HclValue>();
  let depth = 0;
  for (const line of stripHclComments(text).split('\n')) {
    const match = depth === 0 ? /^\s*([A-Za-z_][\w-]*)\s*=\s*(.*?)\s*$/.exec(line) : null;
    if (match?.[1] !== undefined) attributes.set(match[1], parseValue(match[2] ?? ''));
    const withoutStrings = line.replace(/"(?:[^"\\]|\\.)*"/g, '""');
    for (const char of withoutStrings) {
      if (char === '{' || char === '[') depth += 1;
      else if (char === '}' || char === ']') depth -= 1;
    }
  }
  return attributes;
};

/**
 * The values a variable's `contains([...], var.<name>)` validation accepts, or undefined when the
 * variable has no such validation. Strings come back unquoted, numbers as numbers.
 */
const variableAllowedValues = (block: HclBlock, name: string): HclValue[] | undefined => {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`contains\\(\\s*\\[([^\\]]*)\\]\\s*,\\s*var\\.${escaped}\\s*\\)`).exec(block.body);
  if (!match) return undefined;
  return (match[1] ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map(parseValue);
};

/** Every `variable "<name>"` block of a file, by name. */
const hclVariables = (text: string): Map<string, HclBlock> =>
  new Map(
    hclBlocks(text, /^variable\s+"[^"]+"$/).map((block) => [
      /^variable\s+"([^"]+)"$/.exec(block.header)?.[1] ?? '',
      block,
    ]),
  );

/**
 * What an environment's backend.hcl must say: state locked with a lock file in the bucket
 * (`use_lockfile = true`, S3 native locking), encrypted, under a key of its own that names the
 * environment as one of its path segments (`tessera/<env>/terraform.tfstate`), so that no two
 * environments can share a state.
 */
const checkBackendSettings = (environment: string, text: string): string[] => {
  const settings = hclAttributes(text);
  const problems: string[] = [];
  if (settings.get('use_lockfile') !== true) {
    problems.push(`${environment}/backend.hcl must set use_lockfile = true (state locking with a lock file)`);
  }
  if (settings.get('encrypt') !== true) {
    problems.push(`${environment}/backend.hcl must set encrypt = true`);
  }
  const key = settings.get('key');
  if (typeof key !== 'string' || !key.split('/').includes(environment)) {
    problems.push(
      `${environment}/backend.hcl must set a state key with "${environment}" as a path segment (e.g. "tessera/${environment}/terraform.tfstate"), not ${key === undefined ? 'none' : JSON.stringify(key)}`,
    );
  }
  const bucket = settings.get('bucket');
  if (typeof bucket !== 'string' || bucket === '') {
    problems.push(`${environment}/backend.hcl must name the state bucket`);
  }
  return problems;
};

/** Provider arguments that only the offline check's override may set, never committed code. */
const OFFLINE_ONLY_PROVIDER_ARGUMENTS = [
  'access_key',
  'secret_key',
  'token',
  'skip_credentials_validation',
  'skip_requesting_account_id',
  'skip_metadata_api_check',
  'skip_region_validation',
];

/**
 * What the environments' committed `provider "aws"` blocks must say: each pins the account with
 * `allowed_account_ids = [var.account_id]`, and none carries credentials or the skip flags, which
 * live only in the offline check's override file.
 */
const checkProviderBlocks = (
  files: readonly { readonly file: string; readonly text: string }[],
): string[] => {
  const problems: string[] = [];
  let found = 0;
  for (const { file, text } of files) {
    for (const block of hclBlocks(text, /^provider\s+"aws"$/)) {
      found += 1;
      const settings = hclAttributes(block.body);
      const alias = settings.get('alias');
      const which = `provider "aws"${typeof alias === 'string' ? ` (alias ${alias})` : ''} in ${file}`;
      if (!/^\s*allowed_account_ids\s*=\s*\[\s*var\.account_id\s*,?\s*\]\s*$/m.test(block.body)) {
        problems.push(`${which} must set allowed_account_ids = [var.account_id]`);
      }
      for (const argument of OFFLINE_ONLY_PROVIDER_ARGUMENTS) {
        if (settings.has(argument)) {
          problems.push(`${which} sets ${argument}, which belongs in the offline check's override only`);
        }
      }
    }
  }
  if (found === 0) problems.push('no provider "aws" block found in the environments\' code');
  return problems;
};

/** An environment's terraform.tfvars must name the environment of its own folder. */
const checkTfvars = (environment: string, text: string): string[] => {
  const named = hclAttributes(text).get('environment');
  return named === environment
    ? []
    : [
        `${environment}/terraform.tfvars must set environment = "${environment}", not ${named === undefined ? 'nothing' : JSON.stringify(named)}`,
      ];
};

export type { HclBlock, HclValue };
export {
  checkBackendSettings,
  checkProviderBlocks,
  checkTfvars,
  hclAttributes,
  hclBlocks,
  hclVariables,
  stripHclComments,
  variableAllowedValues,
};
