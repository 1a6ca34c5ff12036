/**
 * scripts/deploy-lambda.sh against a fake `aws` and a fake `npm` on the PATH that record every call
 * (the aws one answers like the real CLI). The fake `npm` builds nothing, so dist/ is left alone:
 * the script deploys fake zips from a temporary folder named by TESSERA_DIST_DIR.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadManifests } from '../../packages/tooling/src/manifests.ts';
import { repoRoot } from '../../packages/tooling/src/repo.ts';

const script = join(repoRoot, 'scripts', 'deploy-lambda.sh');

const bashPath = ['/bin/bash', '/usr/bin/bash', '/usr/local/bin/bash', '/opt/homebrew/bin/bash'].find(
  existsSync,
);

/**
 * The deployables and their functions, as the checked manifest loader reads them; the script reads
 * the manifests with its own small reader (scripts/lib/deployables.mjs), so these tests hold the two
 * to the same list.
 */
const manifests = loadManifests();
const services = manifests.map((manifest) => manifest.name);
const functionNames = manifests.flatMap((manifest) => Object.keys(manifest.functions));

const FAKE_AWS = `#!BASH
# Records the call, then answers like the aws CLI would.
echo "$*" >> "$FAKE_AWS_LOG"
echo "aws $*" >> "$FAKE_ORDER_LOG"
case "$1 $2" in
  "sts get-caller-identity")
    if [ -n "\${FAKE_AWS_NO_CREDENTIALS:-}" ]; then
      echo "Unable to locate credentials. You can configure credentials by running \\"aws configure\\"." >&2
      exit 253
    fi
    echo 123456789012 ;;
  "lambda update-function-code")
    if [ "$4" = "\${FAKE_AWS_MISSING_FUNCTION:-}" ]; then
      echo "An error occurred (ResourceNotFoundException) when calling the UpdateFunctionCode operation: Function not found" >&2
      exit 254
    fi
    echo "sha-of-$4" ;;
  "lambda publish-version") echo 7 ;;
  "lambda update-alias") echo "arn:aws:lambda:eu-west-1:123456789012:function:$4:live" ;;
  "lambda wait") ;;
  *) echo "fake aws: unexpected call: $*" >&2; exit 1 ;;
esac
`;

const FAKE_NPM = `#!BASH
# Records the call and where it ran; builds nothing. FAKE_NPM_EXIT makes it fail like a broken build.
echo "$* (in $PWD)" >> "$FAKE_NPM_LOG"
echo "npm $*" >> "$FAKE_ORDER_LOG"
if [ -n "\${FAKE_NPM_EXIT:-}" ]; then
  echo "fake npm: the build failed" >&2
  exit "$FAKE_NPM_EXIT"
fi
echo "fake npm: built"
`;

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Every aws call, one string per call. */
  readonly calls: string[];
  /** Every npm call, as `<arguments> (in <folder>)`. */
  readonly npmCalls: string[];
  /** Every aws and npm call in the order they ran, as `aws <arguments>` or `npm <arguments>`. */
  readonly order: string[];
}

let workspace = '';
let fakeBin = '';
let dist = '';
let emptyBin = '';
let callCounter = 0;

const deploy = (args: readonly string[], env: Readonly<Record<string, string>> = {}): Run => {
  if (!bashPath) throw new Error('bash is needed to test scripts/deploy-lambda.sh');
  callCounter += 1;
  const log = join(workspace, `calls-${callCounter}.log`);
  const npmLog = join(workspace, `npm-calls-${callCounter}.log`);
  const orderLog = join(workspace, `order-${callCounter}.log`);
  for (const file of [log, npmLog, orderLog]) writeFileSync(file, '');
  const result = spawnSync(bashPath, [script, ...args], {
    encoding: 'utf8',
    env: {
      HOME: workspace,
      PATH: `${fakeBin}:${process.env.PATH ?? ''}`,
      TESSERA_DIST_DIR: dist,
      FAKE_AWS_LOG: log,
      FAKE_NPM_LOG: npmLog,
      FAKE_ORDER_LOG: orderLog,
      GITHUB_SHA: 'abc1234',
      ...env,
    },
  });
  const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    calls: lines(log),
    npmCalls: lines(npmLog),
    order: lines(orderLog),
  };
};

const lambdaCallsFor = (calls: readonly string[], functionName: string) =>
  calls.filter(
    (call) => call.startsWith('lambda ') && ` ${call} `.includes(` --function-name ${functionName} `),
  );

describe('deploy-lambda.sh', () => {
  beforeAll(() => {
    workspace = mkdtempSync(join(tmpdir(), 'tessera-deploy-test-'));
    fakeBin = join(workspace, 'bin');
    emptyBin = join(workspace, 'empty-bin');
    dist = join(workspace, 'dist');
    mkdirSync(fakeBin);
    mkdirSync(emptyBin);
    mkdirSync(dist);
    for (const [name, body] of [
      ['aws', FAKE_AWS],
      ['npm', FAKE_NPM],
    ] as const) {
      writeFileSync(join(fakeBin, name), body.replace('#!BASH', `#!${bashPath ?? '/bin/bash'}`));
      chmodSync(join(fakeBin, name), 0o755);
    }
    for (const service of services) writeFileSync(join(dist, `${service}.zip`), `fake zip of ${service}`);
  });

  afterAll(() => {
    rmSync(workspace, { recursive: true, force: true });
  });

  it('moves the live alias to the new version', () => {
    // Prepare
    const args = ['--no-build', 'dev', 'users'];

    // Act
    const run = deploy(args);

    // Assess
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(lambdaCallsFor(run.calls, 'tessera-dev-users')).toEqual([
      `lambda update-function-code --function-name tessera-dev-users --zip-file fileb://${dist}/users.zip --query CodeSha256 --output text`,
      'lambda wait function-updated-v2 --function-name tessera-dev-users',
      'lambda publish-version --function-name tessera-dev-users --code-sha256 sha-of-tessera-dev-users --description deploy-lambda.sh abc1234 --query Version --output text',
      'lambda wait published-version-active --function-name tessera-dev-users --qualifier 7',
      'lambda update-alias --function-name tessera-dev-users --name live --function-version 7 --query AliasArn --output text',
    ]);
    expect(run.stdout).toContain('tessera-dev-users: live -> version 7');
    expect(run.npmCalls).toEqual([]);
  });

  it('builds once, in the repository, before the first upload', () => {
    // Prepare
    const args = ['dev'];

    // Act
    const run = deploy(args);

    // Assess
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.npmCalls).toEqual([`run build (in ${repoRoot})`]);
    const build = run.order.indexOf('npm run build');
    const firstUpload = run.order.findIndex((call) => call.startsWith('aws lambda update-function-code'));
    expect(build).toBeGreaterThanOrEqual(0);
    expect(firstUpload).toBeGreaterThan(build);
    expect(run.stdout).toContain('fake npm: built');
  });

  it('stops with a clear error and deploys nothing when the build fails', () => {
    // Prepare
    const env = { FAKE_NPM_EXIT: '3' };

    // Act
    const run = deploy(['prod', 'users'], env);

    // Assess
    expect(run.status).toBe(1);
    expect(run.npmCalls).toEqual([`run build (in ${repoRoot})`]);
    expect(run.stderr).toContain('fake npm: the build failed');
    expect(run.stderr).toContain('deploy-lambda: error: npm run build failed, so nothing was deployed.');
    expect(run.stderr).toContain('--no-build');
    // Only the read-only credentials check ran before the build; no Lambda call at all.
    expect(run.calls).toEqual(['sts get-caller-identity --query Account --output text']);
    expect(run.stdout).not.toContain('Deployed');
  });

  it('prints the build without running it on --dry-run', () => {
    // Prepare
    const args = ['--dry-run', 'dev', 'publisher'];

    // Act
    const run = deploy(args);

    // Assess
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('+ npm run build');
    expect(run.npmCalls).toEqual([]);
    expect(run.calls).toEqual([]);
  });

  it('checks the credentials before it changes anything', () => {
    // Prepare
    const args = ['--no-build', 'staging', 'users'];

    // Act
    const run = deploy(args);

    // Assess
    expect(run.calls[0]).toBe('sts get-caller-identity --query Account --output text');
    expect(run.stdout).toContain('Deploying to staging in AWS account 123456789012');
  });

  it('deploys the authorizer from the users bundle too', () => {
    // Prepare
    const args = ['--no-build', 'prod', 'users'];

    // Act
    const run = deploy(args);

    // Assess
    expect(run.status).toBe(0);
    expect(lambdaCallsFor(run.calls, 'tessera-prod-users-authorizer')[0]).toBe(
      `lambda update-function-code --function-name tessera-prod-users-authorizer --zip-file fileb://${dist}/users.zip --query CodeSha256 --output text`,
    );
    expect(run.calls.filter((call) => call.startsWith('lambda update-alias'))).toHaveLength(2);
  });

  it('deploys every service and the publisher when none is named', () => {
    // Prepare
    const args = ['--no-build', 'dev'];

    // Act
    const run = deploy(args);

    // Assess
    expect(run.status).toBe(0);
    const updated = run.calls
      .filter((call) => call.startsWith('lambda update-function-code'))
      .map((call) => call.split(' ')[3]);
    expect([...updated].sort()).toEqual(functionNames.map((name) => `tessera-dev-${name}`).sort());
  });

  it('passes --region to every aws call', () => {
    // Prepare
    const args = ['--no-build', '--region', 'us-east-2', 'dev', 'publisher'];

    // Act
    const run = deploy(args);

    // Assess
    expect(run.status).toBe(0);
    expect(run.calls.length).toBeGreaterThan(1);
    expect(run.calls.every((call) => call.endsWith('--region us-east-2'))).toBe(true);
  });

  it('prints the calls without making them on --dry-run', () => {
    // Prepare
    const args = ['--dry-run', 'staging', 'publisher'];

    // Act
    const run = deploy(args, { PATH: emptyBin });

    // Assess
    expect(run.status).toBe(0);
    expect(run.calls).toEqual([]);
    expect(run.stdout).toContain('+ npm run build');
    expect(run.stdout).toContain(
      `+ aws lambda update-function-code --function-name tessera-staging-publisher --zip-file fileb://${dist}/publisher.zip`,
    );
    expect(run.stdout).toContain(
      "+ aws lambda update-alias --function-name tessera-staging-publisher --name live --function-version '<Version from publish-version>'",
    );
  });

  it('explains itself on --help', () => {
    // Prepare
    const args = ['--help'];

    // Act
    const run = deploy(args);

    // Assess
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Usage: scripts/deploy-lambda.sh [options] <environment> [service ...]');
    expect(run.stdout).toContain('--dry-run');
    expect(run.calls).toEqual([]);
  });

  it('refuses an unknown environment', () => {
    // Prepare
    const args = ['--no-build', 'qa'];

    // Act
    const run = deploy(args);

    // Assess
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("unknown environment 'qa' (expected one of: dev, staging, prod)");
    expect(run.calls).toEqual([]);
  });

  it('refuses an unknown service', () => {
    // Prepare
    const args = ['--no-build', 'dev', 'users', 'billing'];

    // Act
    const run = deploy(args);

    // Assess
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("unknown service 'billing' (known: ");
    expect(run.stderr).toContain('publisher');
    expect(run.calls).toEqual([]);
  });

  it('refuses to run without an environment', () => {
    // Prepare
    const args = ['--no-build'];

    // Act
    const run = deploy(args);

    // Assess
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('name the environment to deploy to');
  });

  it('says so when the aws CLI is missing', () => {
    // Prepare
    const env = { PATH: emptyBin };

    // Act
    const run = deploy(['--no-build', 'dev', 'users'], env);

    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('the aws CLI is not on PATH');
  });

  it('says so when there are no credentials, before any change', () => {
    // Prepare
    const env = { FAKE_AWS_NO_CREDENTIALS: '1' };

    // Act
    const run = deploy(['--no-build', 'dev', 'users'], env);

    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('no usable AWS credentials');
    expect(run.stderr).toContain('Unable to locate credentials');
    expect(run.calls.filter((call) => call.startsWith('lambda '))).toEqual([]);
  });

  it('points at terraform apply when the function does not exist', () => {
    // Prepare
    const env = { FAKE_AWS_MISSING_FUNCTION: 'tessera-dev-publisher' };

    // Act
    const run = deploy(['--no-build', 'dev', 'publisher'], env);

    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('terraform apply in terraform/environments/dev');
    expect(run.calls.filter((call) => call.startsWith('lambda update-alias'))).toEqual([]);
  });

  it('refuses to deploy a zip that was never built', () => {
    // Prepare
    const env = { TESSERA_DIST_DIR: join(workspace, 'no-such-dist') };

    // Act
    const run = deploy(['--no-build', 'dev', 'users'], env);

    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('users.zip not found');
    expect(run.calls.filter((call) => call.startsWith('lambda '))).toEqual([]);
  });
});
