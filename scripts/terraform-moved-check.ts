/**
 * Proves, offline, that the Terraform code of the working tree keeps what an earlier commit built:
 * that `moved` blocks carry every resource to its new address and nothing is replaced.
 *
 * Per environment (dev, staging, prod), in a temporary folder:
 *
 * 1. the base: the code of `<base-ref>` (`git archive`: terraform/, openapi/, the manifests), planned
 *    offline (the same override as scripts/terraform-check.ts);
 * 2. a state as if that plan had been applied: its planned values, with made-up ids, ARNs and other
 *    values known only after apply (scripts/lib/terraform-state.ts), planned again with
 *    `-refresh=false` and corrected until the base code plans no change against it;
 * 3. the working tree's code planned with `-refresh=false` against that state: every resource it
 *    moves, updates (and which attributes), creates, destroys or replaces;
 * 4. the working tree's code planned from nothing, to compare resource types and counts with the
 *    base plan.
 *
 * It fails when the working tree would destroy or replace a table, function, alias, role, parameter
 * or log group, and with `--strict` when it would create or destroy anything at all. With
 * `--same-inputs` the base takes only terraform/ from `<base-ref>` and the contract and manifests from
 * the working tree, so that only the Terraform code's own changes show (when the base code can read
 * today's inputs).
 *
 * Usage: `npx tsx scripts/terraform-moved-check.ts <base-ref> [--strict] [--same-inputs] [--keep] [--environments dev,prod]`
 * (`--keep` leaves the temporary folder). `TERRAFORM` and `TESSERA_TF_PROVIDER_MIRROR` as for
 * scripts/terraform-check.ts.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from '../packages/tooling/src/repo.ts';
import {
  applyPlan,
  type ChangeSummary,
  countDifferences,
  emptyState,
  type PlanJson,
  type ProviderSchemas,
  renderState,
  resourceCounts,
  type State,
  summarizeChanges,
} from './lib/terraform-state.ts';
import {
  childEnvironment,
  cliConfig,
  copyTree,
  findProviderMirror,
  OFFLINE_OVERRIDE,
  SHARED,
  subdirectories,
  terraformBinary,
  terraformInputs,
  terraformRunner,
} from './lib/terraform-workspace.ts';

/** What must survive a refactoring: destroying one loses data, an endpoint or a secret's value. */
const KEPT_TYPES = [
  'aws_dynamodb_table',
  'aws_lambda_function',
  'aws_lambda_alias',
  'aws_iam_role',
  'aws_ssm_parameter',
  'aws_cloudwatch_log_group',
];

/** Rounds of planning the base against its made-up state before giving up on agreement. */
const MAX_ROUNDS = 8;

const NO_COLOR = '-no-color';

const usage = () => {
  console.error(
    'Usage: npx tsx scripts/terraform-moved-check.ts <base-ref> [--strict] [--same-inputs] [--keep] [--environments dev,staging,prod]',
  );
  process.exit(2);
};

const parseArguments = (argv: readonly string[]) => {
  const positional = argv.filter(
    (argument, index) => !argument.startsWith('--') && argv[index - 1] !== '--environments',
  );
  const environmentsAt = argv.indexOf('--environments');
  const [base] = positional;
  if (!base || positional.length > 1) usage();
  return {
    base: base as string,
    strict: argv.includes('--strict'),
    sameInputs: argv.includes('--same-inputs'),
    keep: argv.includes('--keep'),
    environments:
      environmentsAt === -1 ? undefined : (argv[environmentsAt + 1] ?? '').split(',').filter(Boolean),
  };
};

/** The files of `ref` the Terraform code reads: terraform/, openapi/, each service's JSON declarations, the publisher's manifest. */
const baseFiles = (ref: string, sameInputs: boolean): string[] =>
  execFileSync(
    'git',
    [
      '-C',
      repoRoot,
      'ls-tree',
      '-r',
      '--name-only',
      ref,
      '--',
      'terraform',
      'openapi',
      'services',
      'packages/shared',
    ],
    {
      encoding: 'utf8',
    },
  )
    .split('\n')
    .filter(
      (file) =>
        file.startsWith('terraform/') ||
        (!sameInputs &&
          (file.startsWith('openapi/') ||
            /^services\/[^/]+\/[^/]+\.json$/.test(file) ||
            file === 'packages/shared/publisher.json')),
    );

const exportBase = (ref: string, into: string, sameInputs: boolean) => {
  mkdirSync(into, { recursive: true });
  if (sameInputs) copyInputs(into);
  const files = baseFiles(ref, sameInputs);
  const archive = execFileSync('git', ['-C', repoRoot, 'archive', '--format=tar', ref, '--', ...files], {
    maxBuffer: 256 * 1024 * 1024,
  });
  execFileSync('tar', ['-x', '-C', into], { input: archive });
};

/** The working tree's contract and manifests: what the Terraform code reads besides itself. */
const copyInputs = (into: string) => {
  copyTree(join(repoRoot, 'openapi'), join(into, 'openapi'));
  for (const file of terraformInputs(repoRoot)) {
    mkdirSync(dirname(join(into, file)), { recursive: true });
    writeFileSync(join(into, file), readFileSync(join(repoRoot, file)));
  }
};

const copyWorkingTree = (into: string) => {
  copyTree(join(repoRoot, 'terraform'), join(into, 'terraform'));
  copyInputs(into);
};

const run = terraformRunner();

const terraform = async (args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> => {
  const result = await run(args, cwd, env);
  if (result.code !== 0) throw new Error(`terraform ${args.join(' ')} in ${cwd} failed:\n${result.output}`);
  return result.output;
};

/** Plans a directory (optionally against its state, not refreshed) and reads the plan as JSON. */
const plan = async (
  directory: string,
  env: NodeJS.ProcessEnv,
  name: string,
  refresh = true,
): Promise<PlanJson> => {
  await terraform(
    [
      'plan',
      '-input=false',
      '-lock=false',
      ...(refresh ? [] : ['-refresh=false']),
      `-out=${name}.tfplan`,
      NO_COLOR,
    ],
    directory,
    env,
  );
  return JSON.parse(await terraform(['show', '-json', `${name}.tfplan`], directory, env)) as PlanJson;
};

const pending = (planned: PlanJson) =>
  (planned.resource_changes ?? []).filter(
    (change) =>
      change.mode === 'managed' &&
      !(change.change.actions.length === 1 && change.change.actions[0] === 'no-op'),
  );

interface EnvironmentResult {
  readonly environment: string;
  readonly baseCounts: Record<string, number>;
  readonly currentCounts: Record<string, number>;
  readonly rounds: number;
  readonly summary: ChangeSummary;
}

const checkEnvironment = async (
  workspace: string,
  environment: string,
  env: NodeJS.ProcessEnv,
  terraformVersion: string,
): Promise<EnvironmentResult> => {
  const baseDirectory = join(workspace, 'base', 'terraform', 'environments', environment);
  const currentDirectory = join(workspace, 'current', 'terraform', 'environments', environment);
  for (const directory of [baseDirectory, currentDirectory]) {
    writeFileSync(join(directory, 'zz_offline_check_override.tf'), OFFLINE_OVERRIDE);
    await terraform(['init', '-input=false', NO_COLOR], directory, env);
  }
  const schemas = JSON.parse(
    await terraform(['providers', 'schema', '-json'], baseDirectory, env),
  ) as ProviderSchemas;

  // 1 and 2: the base, and a state it agrees with.
  const basePlan = await plan(baseDirectory, env, 'base');
  let state: State = applyPlan(emptyState(terraformVersion), basePlan, schemas);
  const lineage = randomUUID();
  let rounds = 0;
  for (;;) {
    rounds += 1;
    writeFileSync(join(baseDirectory, 'terraform.tfstate'), renderState(state, rounds, lineage));
    const again = await plan(baseDirectory, env, 'converge', false);
    const left = pending(again);
    if (left.length === 0) break;
    if (rounds === MAX_ROUNDS)
      throw new Error(
        `${environment}: the base still plans changes against its made-up state after ${MAX_ROUNDS} rounds: ${left.map((change) => `${change.address} (${change.change.actions.join('+')})`).join(', ')}`,
      );
    state = applyPlan(state, again, schemas);
  }

  // 3: the working tree against the base's state.
  writeFileSync(join(currentDirectory, 'terraform.tfstate'), renderState(state, rounds + 1, lineage));
  const currentPlan = await plan(currentDirectory, env, 'current', false);

  // 4: the working tree from nothing.
  rmSync(join(currentDirectory, 'terraform.tfstate'));
  const freshPlan = await plan(currentDirectory, env, 'fresh');

  return {
    environment,
    baseCounts: resourceCounts(basePlan),
    currentCounts: resourceCounts(freshPlan),
    rounds,
    summary: summarizeChanges(currentPlan),
  };
};

const typeOf = (address: string) =>
  /(?:^|\.)(aws_[a-z0-9_]+)\.[^.]+$/.exec(address.replace(/\[[^\]]*\]$/, ''))?.[1] ?? '';

const describe = (result: EnvironmentResult): string => {
  const { summary } = result;
  const total = (counts: Record<string, number>) =>
    Object.values(counts).reduce((sum, count) => sum + count, 0);
  const differences = countDifferences(result.baseCounts, result.currentCounts);
  const lines = [
    `${result.environment}: base ${total(result.baseCounts)} resources, working tree ${total(result.currentCounts)}; ${differences.length === 0 ? 'the same types and counts' : `counts differ: ${differences.join(', ')}`}`,
    `  against the base's state (agreed in ${result.rounds} round(s)): ${summary.moved.length} moved, ${summary.unchanged} unchanged, ${summary.update.length} updated in place, ${summary.create.length} created, ${summary.delete.length} destroyed, ${summary.replace.length} replaced`,
    ...summary.update.map((update) => `  ~ ${update.address}: ${update.attributes.join(', ')}`),
    ...summary.create.map((address) => `  + ${address}`),
    ...summary.delete.map((address) => `  - ${address}`),
    ...summary.replace.map((address) => `  -/+ ${address}`),
  ];
  return lines.join('\n');
};

const problemsOf = (result: EnvironmentResult, strict: boolean): string[] => {
  const { summary } = result;
  const lost = [...summary.delete, ...summary.replace].filter((address) =>
    KEPT_TYPES.includes(typeOf(address)),
  );
  return [
    ...lost.map((address) => `${result.environment}: ${address} would be destroyed`),
    ...(strict
      ? [...summary.create, ...summary.delete, ...summary.replace]
          .filter((address) => !lost.includes(address))
          .map((address) => `${result.environment}: ${address} would be created or destroyed (--strict)`)
      : []),
  ];
};

const main = async () => {
  const options = parseArguments(process.argv.slice(2));
  const version = JSON.parse(execFileSync(terraformBinary, ['version', '-json'], { encoding: 'utf8' })) as {
    terraform_version: string;
  };
  const workspace = mkdtempSync(join(tmpdir(), 'tessera-terraform-moved-check-'));
  try {
    exportBase(options.base, join(workspace, 'base'), options.sameInputs);
    copyWorkingTree(join(workspace, 'current'));
    const pluginCache = join(workspace, '.plugin-cache');
    mkdirSync(pluginCache);
    writeFileSync(join(workspace, 'terraformrc'), cliConfig(findProviderMirror(), pluginCache));
    const env = childEnvironment(join(workspace, 'terraformrc'));
    const environments =
      options.environments ??
      subdirectories(join(workspace, 'current', 'terraform', 'environments')).filter(
        (name) => name !== SHARED,
      );
    const results: EnvironmentResult[] = [];
    for (const environment of environments) {
      const result = await checkEnvironment(workspace, environment, env, version.terraform_version);
      console.log(describe(result));
      results.push(result);
    }
    const problems = results.flatMap((result) => problemsOf(result, options.strict));
    console.log(
      problems.length === 0
        ? `moved check passed against ${options.base}: nothing of ${KEPT_TYPES.join(', ')} is destroyed${options.strict ? ', and nothing is created or destroyed' : ''}`
        : `moved check FAILED against ${options.base}:\n  ${problems.join('\n  ')}`,
    );
    if (problems.length > 0) process.exitCode = 1;
  } finally {
    if (options.keep) console.log(`kept ${workspace}`);
    else rmSync(workspace, { recursive: true, force: true });
  }
};

await main();
