/**
 * The Terraform checks of `npm test` (`npm run test:terraform`). Offline, and leaving nothing behind:
 *
 * 1. copies `terraform/`, `openapi/` and the manifests the modules read (each service's
 *    `service.json` and `table.json`, the publisher's `packages/shared/publisher.json`) into a temporary folder,
 *    without anything a working tree may hold besides the code (`.terraform/`, lock files, state,
 *    `*_override.tf`, `*.auto.tfvars`), so local leftovers cannot change the result;
 * 2. writes a Terraform CLI configuration that installs the AWS provider from a local filesystem
 *    mirror when this machine has one (found at run time), from the registry otherwise;
 * 3. `terraform fmt -check -recursive`, and the READMEs' generated inputs and outputs tables match
 *    the code (scripts/lib/terraform-docs.ts; `npx tsx scripts/terraform-docs.ts` rewrites them);
 * 4. checks that the environment folders share their code: each holds its own `terraform.tfvars`
 *    and `backend.hcl`, and its `.tf` files are links to `environments/_shared`; and that each keeps
 *    its state apart and its account pinned: backend.hcl sets `use_lockfile = true`, `encrypt = true`
 *    and a state key of its own naming the environment, terraform.tfvars names its own environment,
 *    and every committed `provider "aws"` block sets `allowed_account_ids = [var.account_id]` with no
 *    credentials or skip flags (scripts/lib/terraform-files.ts);
 * 5. per module: `init -backend=false` and `terraform test` (mocked provider);
 * 6. per module example: `init -backend=false` and `validate`;
 * 7. per environment, with a test-only override file (local backend, the provider's skip flags, fake
 *    credentials): one `init` (its local backend instead of S3), `validate`, `plan` and `show -json`, and the policy test
 *    over that plan (scripts/lib/terraform-policy.ts).
 *
 * Each step prints its duration; the last line sums up. Exits non-zero when anything fails.
 *
 * Usage: `npx tsx scripts/terraform-check.ts [--keep]` (`--keep` leaves the temporary folder for a
 * look). Environment: `TERRAFORM=tofu` runs the checks with OpenTofu; `TESSERA_TF_PROVIDER_MIRROR`
 * names the provider mirror instead of searching for it; `TESSERA_TF_CONCURRENCY` sets how many
 * modules and environments run at once (default: one per core, at least 2).
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { repoRoot } from '../packages/tooling/src/repo.ts';
import { staleReadmes } from './lib/terraform-docs.ts';
import {
  checkBackendSettings,
  checkProviderBlocks,
  checkTfvars,
  hclAttributes,
} from './lib/terraform-files.ts';
import {
  type ContractOperation,
  checkPlan,
  contractOperations,
  type PolicyReport,
} from './lib/terraform-policy.ts';
import {
  childEnvironment,
  cliConfig,
  copyTree,
  findProviderMirror,
  OFFLINE_OVERRIDE,
  type RunResult,
  SHARED,
  subdirectories,
  terraformBinary,
  terraformInputs,
  terraformRunner,
} from './lib/terraform-workspace.ts';

const keep = process.argv.includes('--keep');

interface StepResult {
  readonly name: string;
  readonly ok: boolean;
  readonly ms: number;
  readonly detail?: string;
}

const results: StepResult[] = [];

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const report = (result: StepResult) => {
  results.push(result);
  const mark = result.ok ? 'ok  ' : 'FAIL';
  console.log(`${mark} ${result.name} (${seconds(result.ms)})${result.detail ? `\n${result.detail}` : ''}`);
};

/** Terraform, with every `init` waiting for the one before it (see terraformRunner). */
const run = terraformRunner();

/** Runs terraform commands in order, stopping at the first failure, whose output it keeps. */
const runAll = async (
  commands: readonly (readonly string[])[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<RunResult & { readonly failed?: string }> => {
  let last: RunResult = { code: 0, output: '' };
  for (const args of commands) {
    last = await run(args, cwd, env);
    if (last.code !== 0) return { ...last, failed: `terraform ${args.join(' ')}` };
  }
  return last;
};

const indent = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((line) => `     ${line}`)
    .join('\n');

const timed = async (name: string, work: () => Promise<{ ok: boolean; detail?: string }>) => {
  const started = performance.now();
  try {
    const outcome = await work();
    report({ name, ms: performance.now() - started, ...outcome });
  } catch (error) {
    report({ name, ok: false, ms: performance.now() - started, detail: indent(String(error)) });
  }
};

/** Runs jobs with at most `limit` at once. */
const pool = async (jobs: readonly (() => Promise<void>)[], limit: number) => {
  const queue = [...jobs];
  const worker = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) await job();
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
};

const NO_COLOR = '-no-color';

const checkModule = (workspace: string, module: string, env: NodeJS.ProcessEnv) => async () =>
  timed(`module ${module}: init + test`, async () => {
    const directory = join(workspace, 'terraform', 'modules', module);
    const hasTests = existsSync(join(directory, 'tests'));
    if (!hasTests) return { ok: false, detail: indent(`terraform/modules/${module} has no tests/ folder`) };
    const result = await runAll(
      [
        ['init', '-backend=false', '-input=false', NO_COLOR],
        ['test', NO_COLOR],
      ],
      directory,
      env,
    );
    const summary = /(Success|Failure)! \d+ passed, \d+ failed\./.exec(result.output)?.[0];
    return result.code === 0
      ? { ok: true, ...(summary ? { detail: `     ${summary}` } : {}) }
      : { ok: false, detail: indent(`${result.failed}:\n${result.output}`) };
  });

const checkExample =
  (workspace: string, module: string, example: string, env: NodeJS.ProcessEnv) => async () =>
    timed(`example ${module}/${example}: init + validate`, async () => {
      const directory = join(workspace, 'terraform', 'modules', module, 'examples', example);
      const result = await runAll(
        [
          ['init', '-backend=false', '-input=false', NO_COLOR],
          ['validate', NO_COLOR],
        ],
        directory,
        env,
      );
      return result.code === 0 ? { ok: true } : { ok: false, detail: indent(result.output) };
    });

const describeReport = (policy: PolicyReport): string => {
  const byType = Object.entries(policy.resourcesByType)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, count]) => `${type} ${count}`)
    .join(', ');
  const total = Object.values(policy.resourcesByType).reduce((sum, count) => sum + count, 0);
  const { tables, functions, policies, statements, routes, webSocketRoutes, alarms, logGroups, queues } =
    policy.counts;
  return [
    `     plan: ${total} resources to add (${byType})`,
    `     policy: ${policy.findings.length === 0 ? 'passed' : `${policy.findings.length} violation(s)`}: ${tables} table(s), ${functions} function(s), ${logGroups} log group(s), ${queues} queue(s), ${alarms} alarm(s), ${policies} policy document(s) with ${statements} statement(s), ${routes} route(s), ${webSocketRoutes} WebSocket route(s) checked`,
    ...policy.findings.map((finding) => `     - [${finding.rule}] ${finding.address}: ${finding.message}`),
  ].join('\n');
};

const policyReports = new Map<string, PolicyReport>();

const checkEnvironment =
  (
    workspace: string,
    environment: string,
    operations: readonly ContractOperation[],
    env: NodeJS.ProcessEnv,
  ) =>
  async () =>
    timed(`environment ${environment}: init + validate + plan + policy`, async () => {
      const directory = join(workspace, 'terraform', 'environments', environment);
      // The override is written before the one init, which then sets up its local backend instead
      // of S3. The provider arguments the override replaces are checked as committed by
      // checkProviderBlocks.
      writeFileSync(join(directory, 'zz_offline_check_override.tf'), OFFLINE_OVERRIDE);
      const planned = await runAll(
        [
          ['init', '-input=false', NO_COLOR],
          ['validate', NO_COLOR],
          ['plan', '-input=false', '-lock=false', '-out=offline.tfplan', NO_COLOR],
        ],
        directory,
        env,
      );
      if (planned.code !== 0) return { ok: false, detail: indent(`${planned.failed}:\n${planned.output}`) };
      const shown = await run(['show', '-json', 'offline.tfplan'], directory, env);
      if (shown.code !== 0) return { ok: false, detail: indent(shown.output) };
      const policy = checkPlan(JSON.parse(shown.output), { environment, operations });
      policyReports.set(environment, policy);
      return { ok: policy.findings.length === 0, detail: describeReport(policy) };
    });

/** The environments may differ only in values: their .tf files are links to one shared set. */
const checkEnvironmentsAlike = (workspace: string, environments: readonly string[]) =>
  timed('environments share their code', async () => {
    // Each environment holds its own terraform.tfvars and backend.hcl; its .tf files are links to
    // the one set in environments/_shared, so the environments cannot drift apart.
    const root = join(workspace, 'terraform', 'environments');
    const shared = readdirSync(join(root, SHARED))
      .filter((name) => name.endsWith('.tf'))
      .sort();
    const problems: string[] = [];
    if (environments.length === 0) problems.push('terraform/environments holds no environment');
    for (const environment of environments) {
      const folder = join(root, environment);
      const tfFiles = readdirSync(folder)
        .filter((name) => name.endsWith('.tf'))
        .sort();
      if (tfFiles.join() !== shared.join()) {
        problems.push(`${environment} has ${tfFiles.join(', ')}; ${SHARED} has ${shared.join(', ')}`);
      }
      for (const file of tfFiles) {
        const path = join(folder, file);
        const target = lstatSync(path).isSymbolicLink() ? readlinkSync(path) : undefined;
        if (target !== `../${SHARED}/${file}`)
          problems.push(`${environment}/${file} must be a link to ../${SHARED}/${file}`);
      }
      for (const needed of ['terraform.tfvars', 'backend.hcl']) {
        if (!existsSync(join(folder, needed))) problems.push(`${environment} has no ${needed}`);
      }
    }
    return problems.length === 0 ? { ok: true } : { ok: false, detail: indent(problems.join('\n')) };
  });

/**
 * What a plan cannot show: how each environment keeps its state (backend.hcl is read only by
 * `init -backend-config`), that its values are its own, and that the committed provider pins the
 * account (the offline plan turns allowed_account_ids off in its override).
 */
const checkEnvironmentSettings = (workspace: string, environments: readonly string[]) =>
  timed('environments lock their own state and pin their account', async () => {
    const root = join(workspace, 'terraform', 'environments');
    const problems: string[] = [];
    const stateKeys = new Map<string, string>();
    for (const environment of environments) {
      const backend = join(root, environment, 'backend.hcl');
      const tfvars = join(root, environment, 'terraform.tfvars');
      // A missing file is reported by the check that the environments share their code.
      if (existsSync(backend)) {
        const text = readFileSync(backend, 'utf8');
        problems.push(...checkBackendSettings(environment, text));
        const key = hclAttributes(text).get('key');
        const other = typeof key === 'string' ? stateKeys.get(key) : undefined;
        if (other) problems.push(`${environment} and ${other} share the state key ${String(key)}`);
        if (typeof key === 'string') stateKeys.set(key, environment);
      }
      if (existsSync(tfvars)) problems.push(...checkTfvars(environment, readFileSync(tfvars, 'utf8')));
    }
    const sharedFolder = join(root, SHARED);
    problems.push(
      ...checkProviderBlocks(
        readdirSync(sharedFolder)
          .filter((name) => name.endsWith('.tf'))
          .sort()
          .map((name) => ({
            file: `environments/${SHARED}/${name}`,
            text: readFileSync(join(sharedFolder, name), 'utf8'),
          })),
      ),
    );
    return problems.length === 0 ? { ok: true } : { ok: false, detail: indent(problems.join('\n')) };
  });

const main = async () => {
  const started = performance.now();
  const version = spawnSync(terraformBinary, ['version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) {
    console.error(
      `terraform-check: cannot run "${terraformBinary}" (${version.error?.message ?? version.stderr}). Install Terraform >= 1.10, or set TERRAFORM=tofu for OpenTofu.`,
    );
    process.exit(1);
  }
  const workspace = mkdtempSync(join(tmpdir(), 'tessera-terraform-check-'));
  // Terraform gets the same Ctrl-C (same process group); the copy must not outlive the run.
  process.once('SIGINT', () => {
    rmSync(workspace, { recursive: true, force: true });
    process.exit(130);
  });
  try {
    await timed('prepare a clean copy and the CLI configuration', async () => {
      copyTree(join(repoRoot, 'terraform'), join(workspace, 'terraform'));
      copyTree(join(repoRoot, 'openapi'), join(workspace, 'openapi'));
      for (const file of terraformInputs(repoRoot)) {
        mkdirSync(dirname(join(workspace, file)), { recursive: true });
        cpSync(join(repoRoot, file), join(workspace, file));
      }
      const mirror = findProviderMirror();
      const pluginCache = join(workspace, '.plugin-cache');
      mkdirSync(pluginCache);
      writeFileSync(join(workspace, 'terraformrc'), cliConfig(mirror, pluginCache));
      const firstLine = version.stdout.split('\n')[0] ?? terraformBinary;
      return {
        ok: true,
        detail: `     ${firstLine}; providers from ${mirror ? `the filesystem mirror ${mirror}` : 'the registry (no local mirror found)'}`,
      };
    });
    const env = childEnvironment(join(workspace, 'terraformrc'));

    await timed('terraform fmt -check -recursive', async () => {
      const result = await run(
        ['fmt', '-check', '-recursive', '-diff', NO_COLOR, 'terraform'],
        workspace,
        env,
      );
      return result.code === 0
        ? { ok: true }
        : { ok: false, detail: indent(`Files need terraform fmt:\n${result.output}`) };
    });

    await timed('READMEs match their variables and outputs', async () => {
      const stale = staleReadmes(workspace);
      return stale.length === 0
        ? { ok: true }
        : {
            ok: false,
            detail: indent(
              `The generated tables differ from the code; run npx tsx scripts/terraform-docs.ts:\n${stale.join('\n')}`,
            ),
          };
    });

    const environments = subdirectories(join(workspace, 'terraform', 'environments')).filter(
      (name) => name !== SHARED,
    );
    await checkEnvironmentsAlike(workspace, environments);
    await checkEnvironmentSettings(workspace, environments);

    // Install the provider into the plugin cache as a step of its own, so a failure to get it is
    // reported once, before the modules and environments (whose inits take turns, see run).
    await timed('install the AWS provider once', async () => {
      const warmUp = join(workspace, '.warm-up');
      mkdirSync(warmUp);
      writeFileSync(
        join(warmUp, 'versions.tf'),
        readFileSync(join(workspace, 'terraform', 'modules', 'lambda-function', 'versions.tf')),
      );
      const result = await run(['init', '-backend=false', '-input=false', NO_COLOR], warmUp, env);
      return result.code === 0 ? { ok: true } : { ok: false, detail: indent(result.output) };
    });

    const operations = contractOperations(readFileSync(join(workspace, 'openapi', 'api.yaml'), 'utf8'));
    const modules = subdirectories(join(workspace, 'terraform', 'modules'));
    const jobs = [
      ...environments.map((environment) => checkEnvironment(workspace, environment, operations, env)),
      ...modules.map((module) => checkModule(workspace, module, env)),
      ...modules.flatMap((module) =>
        subdirectories(join(workspace, 'terraform', 'modules', module, 'examples')).map((example) =>
          checkExample(workspace, module, example, env),
        ),
      ),
    ];
    // Terraform is CPU-bound (provider schema loading): about one job per core is fastest.
    await pool(jobs, Number(process.env.TESSERA_TF_CONCURRENCY) || Math.max(2, availableParallelism()));
  } finally {
    if (keep) console.log(`kept ${relative(process.cwd(), workspace) || workspace}`);
    else rmSync(workspace, { recursive: true, force: true });
  }

  const failed = results.filter((result) => !result.ok);
  const violations = [...policyReports.values()].reduce((sum, policy) => sum + policy.findings.length, 0);
  const planned = [...policyReports.entries()]
    .map(
      ([environment, policy]) =>
        `${environment} ${Object.values(policy.resourcesByType).reduce((a, b) => a + b, 0)}`,
    )
    .join(', ');
  console.log(
    `terraform checks ${failed.length === 0 ? 'passed' : 'FAILED'}: ${results.length - failed.length}/${results.length} steps in ${seconds(performance.now() - started)}; resources planned: ${planned || 'none'}; policy violations: ${violations}${failed.length > 0 ? `; failed: ${failed.map((result) => result.name).join('; ')}` : ''}`,
  );
  if (failed.length > 0) process.exitCode = 1;
};

await main();
