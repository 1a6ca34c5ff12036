/**
 * What the offline Terraform checks share (scripts/terraform-check.ts, scripts/terraform-moved-check.ts):
 * a clean copy of the code and the files its modules read, a CLI configuration that installs the
 * AWS provider from a local filesystem mirror when the machine has one, the override that lets an
 * environment plan with no AWS account, and a child environment free of the caller's Terraform and
 * AWS settings.
 *
 * @example
 * copyTree(join(repoRoot, 'terraform'), join(workspace, 'terraform'));
 * const result = await spawnTerraform(['plan', '-out=offline.tfplan'], directory, childEnvironment(rc));
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

/** `terraform`, or `TERRAFORM=tofu` for OpenTofu. */
const terraformBinary = process.env.TERRAFORM ?? 'terraform';

interface RunResult {
  readonly code: number;
  readonly output: string;
}

/** Files a working tree may hold that are no part of the code under test. */
const isLocalLeftover = (name: string): boolean =>
  name === '.terraform' ||
  name === '.terraform.lock.hcl' ||
  name === 'terraform.tfstate.d' ||
  /\.tfstate(\..*)?$/.test(name) ||
  /\.tfplan$/.test(name) ||
  name === 'override.tf' ||
  name === 'override.tf.json' ||
  /_override\.tf(\.json)?$/.test(name) ||
  /\.auto\.tfvars(\.json)?$/.test(name) ||
  name === 'crash.log';

/** The code every environment links to. */
const SHARED = '_shared';

const copyTree = (from: string, to: string) =>
  cpSync(from, to, {
    recursive: true,
    // Keep the environments' relative links to environments/_shared pointing inside the copy.
    verbatimSymlinks: true,
    filter: (source) => !isLocalLeftover(basename(source)),
  });

const subdirectories = (directory: string): string[] =>
  existsSync(directory)
    ? readdirSync(directory, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort()
    : [];

/**
 * The files outside `terraform/` and `openapi/` that the modules read, relative to the repository:
 * every service's manifest and the table declaration it names, and the publisher's manifest.
 */
const terraformInputs = (root: string): string[] => {
  const manifests = [
    ...subdirectories(join(root, 'services'))
      .map((service) => join('services', service, 'service.json'))
      .filter((file) => existsSync(join(root, file))),
    join('packages', 'shared', 'publisher.json'),
  ];
  const tables = manifests.flatMap((manifest) => {
    const { table } = JSON.parse(readFileSync(join(root, manifest), 'utf8')) as { table?: unknown };
    return typeof table === 'string' ? [join(dirname(manifest), table)] : [];
  });
  return [...manifests, ...tables];
};

/** The first `registry.terraform.io/hashicorp/aws` folder under `root`, searched to `depth`, or undefined. */
const searchForMirror = (root: string, depth: number, timeoutMs: number): string | undefined => {
  // Temporary folders and .terraform/ folders hold plugin caches and copies, not mirrors.
  const skipped = ['/proc', '/sys', '/dev', '/tmp', '/var/tmp', tmpdir()];
  const found = spawnSync(
    'find',
    [
      root,
      '-maxdepth',
      String(depth),
      '(',
      ...skipped.flatMap((path) => ['-path', path, '-o']),
      '-name',
      'node_modules',
      '-o',
      '-name',
      '.git',
      '-o',
      '-name',
      '.terraform',
      ')',
      '-prune',
      '-o',
      '-type',
      'd',
      '-path',
      '*/registry.terraform.io/hashicorp/aws',
      '-print',
      '-quit',
    ],
    { encoding: 'utf8', timeout: timeoutMs },
  );
  const hit = found.stdout?.split('\n').find((line) => line.trim() !== '');
  return hit ? dirname(dirname(dirname(hit.trim()))) : undefined;
};

/**
 * Looks for an unpacked provider mirror holding hashicorp/aws: the usual plugin folders first, then
 * the folders where machines put shared tools (each searched a few levels deep, in well under a
 * second), and only then the whole filesystem. A cold walk of `/` can take half a minute on a busy
 * machine (it once ran out its time during `npm test` and the checks fell back to the registry, which
 * an offline machine cannot reach), so it comes last and has a minute.
 */
const findProviderMirror = (): string | undefined => {
  const fromEnvironment = process.env.TESSERA_TF_PROVIDER_MIRROR;
  if (fromEnvironment) return fromEnvironment;
  const holdsAws = (directory: string) =>
    existsSync(join(directory, 'registry.terraform.io', 'hashicorp', 'aws'));
  const usual = [
    join(homedir(), '.terraform.d', 'plugins'),
    join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'terraform', 'plugins'),
    '/usr/local/share/terraform/plugins',
    '/usr/share/terraform/plugins',
  ];
  const known = usual.find(holdsAws);
  if (known) return known;
  const likelyRoots = ['/opt', '/usr/local', '/usr/share', '/srv', homedir()].filter((root) =>
    existsSync(root),
  );
  for (const root of likelyRoots) {
    const hit = searchForMirror(root, 4, 10_000);
    if (hit) return hit;
  }
  return searchForMirror('/', 6, 60_000);
};

const cliConfig = (mirror: string | undefined, pluginCache: string): string =>
  [
    mirror
      ? [
          'provider_installation {',
          '  filesystem_mirror {',
          `    path    = ${JSON.stringify(mirror)}`,
          '    include = ["registry.terraform.io/hashicorp/*"]',
          '  }',
          '  direct {',
          '    exclude = ["registry.terraform.io/hashicorp/*"]',
          '  }',
          '}',
        ].join('\n')
      : '',
    `plugin_cache_dir = ${JSON.stringify(pluginCache)}`,
    '',
  ].join('\n');

/** Everything a plan needs to run with no AWS account: it is written into copies only. */
const OFFLINE_OVERRIDE = `# Written by the Terraform checks (scripts/) into a temporary copy; never committed.
terraform {
  backend "local" {}
}

provider "aws" {
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  # With the account lookup skipped the provider cannot check allowed_account_ids.
  allowed_account_ids = null
}
`;

const childEnvironment = (cliConfigFile: string): NodeJS.ProcessEnv => {
  const environment: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // Nothing of the caller's Terraform or AWS set-up may leak into the checks.
    if (key.startsWith('TF_') || key.startsWith('AWS_')) continue;
    environment[key] = value;
  }
  return {
    ...environment,
    TF_CLI_CONFIG_FILE: cliConfigFile,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
};

const spawnTerraform = (args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<RunResult> =>
  new Promise((resolve) => {
    const child = spawn(terraformBinary, [`-chdir=${cwd}`, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', (error) => resolve({ code: 127, output: String(error) }));
    child.on('close', (code) => resolve({ code: code ?? 1, output: Buffer.concat(chunks).toString('utf8') }));
  });

/**
 * A runner whose every `terraform init` waits for the one before it: inits share one plugin cache,
 * which is not safe for concurrent writes (two inits installing at once fail with "mkdir ...: file
 * exists"). Plans and tests, which only read it, still run side by side.
 */
const terraformRunner = () => {
  let initTurn: Promise<unknown> = Promise.resolve();
  return (args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<RunResult> => {
    if (args[0] !== 'init') return spawnTerraform(args, cwd, env);
    const turn = initTurn.then(() => spawnTerraform(args, cwd, env));
    initTurn = turn;
    return turn;
  };
};

export type { RunResult };
export {
  childEnvironment,
  cliConfig,
  copyTree,
  findProviderMirror,
  isLocalLeftover,
  OFFLINE_OVERRIDE,
  SHARED,
  spawnTerraform,
  subdirectories,
  terraformBinary,
  terraformInputs,
  terraformRunner,
};
