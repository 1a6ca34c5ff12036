/**
 * The delivery pipeline (.github/workflows/*.yml), read as data: actions pinned to commit SHAs, least
 * `permissions`, deploys only from main, staging's end-to-end suite against the staging URL before
 * the prod approval, and on pull requests the whole test suite and a dev plan.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../../packages/tooling/src/repo.ts';

const workflowsDir = join(repoRoot, '.github', 'workflows');

interface Step {
  readonly name?: string;
  readonly id?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Readonly<Record<string, unknown>>;
  readonly env?: Readonly<Record<string, unknown>>;
  readonly 'working-directory'?: string;
}

interface Job {
  readonly name?: string;
  readonly needs?: string | readonly string[];
  readonly if?: string;
  readonly uses?: string;
  readonly environment?: string | { readonly name: string; readonly url?: string };
  readonly permissions?: string | Readonly<Record<string, string>>;
  readonly outputs?: Readonly<Record<string, string>>;
  readonly steps?: readonly Step[];
}

interface Workflow {
  readonly name?: string;
  readonly on: Readonly<Record<string, unknown>>;
  readonly permissions?: string | Readonly<Record<string, string>>;
  readonly concurrency?: { readonly group?: string; readonly 'cancel-in-progress'?: boolean };
  readonly jobs: Readonly<Record<string, Job>>;
}

const workflowFiles = readdirSync(workflowsDir)
  .filter((name) => /\.ya?ml$/.test(name))
  .sort();

const load = (file: string): Workflow => parse(readFileSync(join(workflowsDir, file), 'utf8')) as Workflow;

const workflows = workflowFiles.map((file) => [file, load(file)] as const);

const jobsOf = (workflow: Workflow): [string, Job][] => Object.entries(workflow.jobs);

const stepsOf = (job: Job): readonly Step[] => job.steps ?? [];

const needsOf = (job: Job): readonly string[] =>
  job.needs === undefined ? [] : typeof job.needs === 'string' ? [job.needs] : job.needs;

const environmentOf = (job: Job): string | undefined =>
  typeof job.environment === 'string' ? job.environment : job.environment?.name;

const assumesRole = (job: Job) =>
  stepsOf(job).some((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials@') ?? false);

const runs = (job: Job, pattern: RegExp) => stepsOf(job).some((step) => pattern.test(step.run ?? ''));

/** The one job of a workflow that matches, by id; fails the test if there is not exactly one. */
const theJob = (workflow: Workflow, what: string, matches: (job: Job) => boolean): [string, Job] => {
  const found = jobsOf(workflow).filter(([, job]) => matches(job));
  expect(
    found.map(([id]) => id),
    `exactly one job ${what}`,
  ).toHaveLength(1);
  return found[0] as [string, Job];
};

const ON_MAIN = "github.ref == 'refs/heads/main'";

describe('workflows', () => {
  it('holds the pull request and the deploy workflows', () => {
    // Prepare
    const expected = ['ci.yml', 'deploy.yml'];

    // Act
    const found = workflowFiles;

    // Assess
    expect(found).toEqual(expect.arrayContaining(expected));
  });

  describe.each(workflows)('%s', (_file, workflow) => {
    it('pins every action to a full commit SHA', () => {
      // Prepare
      const uses = jobsOf(workflow).flatMap(([, job]) => [
        ...(job.uses ? [job.uses] : []),
        ...stepsOf(job).flatMap((step) => (step.uses ? [step.uses] : [])),
      ]);

      // Act
      const unpinned = uses.filter((use) => !use.startsWith('./') && !/^[^@\s]+@[0-9a-f]{40}$/.test(use));

      // Assess
      expect(uses.length).toBeGreaterThan(0);
      expect(unpinned).toEqual([]);
    });

    it('grants only contents: read to the whole workflow', () => {
      // Prepare
      const { permissions } = workflow;

      // Act
      const granted = typeof permissions === 'string' ? permissions : { ...permissions };

      // Assess
      expect(granted).toEqual({ contents: 'read' });
    });

    it('adds per job only id-token: write, and only where the job assumes an AWS role', () => {
      // Prepare
      const jobs = jobsOf(workflow);

      // Act
      const granted = Object.fromEntries(jobs.map(([id, job]) => [id, job.permissions ?? 'inherited']));
      const needed = Object.fromEntries(
        jobs.map(([id, job]) => [
          id,
          assumesRole(job) ? { contents: 'read', 'id-token': 'write' } : 'inherited',
        ]),
      );

      // Assess
      expect(granted).toEqual(needed);
    });
  });

  describe('deploy.yml', () => {
    const deploy = load('deploy.yml');

    it('runs on pushes to main, or by hand', () => {
      // Prepare
      const triggers = deploy.on;

      // Act
      const events = Object.keys(triggers).sort();

      // Assess
      expect(events.every((event) => ['push', 'workflow_dispatch'].includes(event))).toBe(true);
      expect(triggers.push).toEqual({ branches: ['main'] });
    });

    it('touches an environment only from main, whatever ref a manual run names', () => {
      // Prepare
      const deploying = jobsOf(deploy).filter(([, job]) => job.environment !== undefined || assumesRole(job));

      // Act
      const unguarded = deploying.filter(([, job]) => !(job.if ?? '').includes(ON_MAIN)).map(([id]) => id);

      // Assess
      expect(deploying.map(([id]) => id)).toEqual(['staging', 'e2e-staging', 'prod']);
      expect(unguarded).toEqual([]);
    });

    it('assumes each deploy role inside its environment, so the role can trust that environment only', () => {
      // Prepare
      const roleJobs = jobsOf(deploy).filter(([, job]) => assumesRole(job));

      // Act
      const outside = roleJobs.filter(([, job]) => environmentOf(job) === undefined).map(([id]) => id);

      // Assess
      expect(roleJobs.length).toBeGreaterThan(0);
      expect(outside).toEqual([]);
    });

    it('applies and deploys staging after the tests', () => {
      // Prepare
      const [testId] = theJob(deploy, 'running the test suite', (job) => runs(job, /\.ci\/run|npm test/));

      // Act
      const [, staging] = theJob(deploy, 'applying staging', (job) =>
        runs(job, /scripts\/deploy-lambda\.sh --no-build staging/),
      );

      // Assess
      expect(environmentOf(staging)).toBe('staging');
      expect(needsOf(staging)).toContain(testId);
      expect(
        stepsOf(staging).some((step) => step['working-directory'] === 'terraform/environments/staging'),
      ).toBe(true);
    });

    it('runs the end-to-end suite against the staging URL', () => {
      // Prepare
      const [, e2e] = theJob(deploy, 'running the end-to-end suite', (job) => runs(job, /npm run test:e2e/));
      const step = stepsOf(e2e).find((candidate) => /npm run test:e2e/.test(candidate.run ?? ''));

      // Act
      const baseUrl = String(step?.env?.TESSERA_BASE_URL ?? '');
      const from = /^\$\{\{\s*needs\.([\w-]+)\.outputs\.([\w-]+)\s*\}\}$/.exec(baseUrl);

      // Assess
      expect(environmentOf(e2e)).toBe('staging');
      expect(from, `TESSERA_BASE_URL is ${baseUrl || 'unset'}`).not.toBeNull();
      const [, sourceJob = '', output = ''] = from ?? [];
      expect(needsOf(e2e)).toContain(sourceJob);
      expect(environmentOf(deploy.jobs[sourceJob] ?? {})).toBe('staging');
      expect(deploy.jobs[sourceJob]?.outputs?.[output]).toMatch(/steps\.[\w-]+\.outputs\./);
    });

    it('deploys prod only in the prod environment, after the staging end-to-end suite', () => {
      // Prepare
      const [e2eId] = theJob(deploy, 'running the end-to-end suite', (job) => runs(job, /npm run test:e2e/));

      // Act
      const [, prod] = theJob(deploy, 'deploying prod', (job) =>
        runs(job, /scripts\/deploy-lambda\.sh .*prod/),
      );

      // Assess
      expect(environmentOf(prod)).toBe('prod');
      expect(needsOf(prod)).toContain(e2eId);
      expect(stepsOf(prod).some((step) => step['working-directory'] === 'terraform/environments/prod')).toBe(
        true,
      );
    });

    it('never cancels a deploy half-way', () => {
      // Prepare
      const concurrency = deploy.concurrency;

      // Act
      const cancels = concurrency?.['cancel-in-progress'];

      // Assess
      expect(concurrency?.group).toBeTruthy();
      expect(cancels).toBe(false);
    });
  });

  describe('ci.yml', () => {
    const ci = load('ci.yml');
    const ciRun = readFileSync(join(repoRoot, '.ci', 'run'), 'utf8');

    it('runs on pull requests', () => {
      // Prepare
      const triggers = ci.on;

      // Act
      const events = Object.keys(triggers);

      // Assess
      expect(events).toContain('pull_request');
    });

    it('runs npm ci and npm test', () => {
      // Prepare
      const direct = (command: RegExp) => jobsOf(ci).some(([, job]) => runs(job, command));
      const throughCiRun = jobsOf(ci).some(([, job]) => runs(job, /^bash \.ci\/run$/m));

      // Act
      const npmCi = direct(/^npm ci$/m) || (throughCiRun && /^npm ci$/m.test(ciRun));
      const npmTest = direct(/^npm test$/m) || (throughCiRun && /^npm test$/m.test(ciRun));

      // Assess
      expect(npmCi).toBe(true);
      expect(npmTest).toBe(true);
    });

    it('plans dev against its real state after the tests pass', () => {
      // Prepare
      const [testId] = theJob(ci, 'running the test suite', (job) => runs(job, /\.ci\/run|npm test/));

      // Act
      const [, plan] = theJob(ci, 'planning', (job) => runs(job, /terraform plan/));

      // Assess
      expect(needsOf(plan)).toContain(testId);
      const planSteps = stepsOf(plan).filter((step) => /terraform (init|plan)/.test(step.run ?? ''));
      expect(planSteps.map((step) => step['working-directory'])).toEqual([
        'terraform/environments/dev',
        'terraform/environments/dev',
      ]);
      expect(planSteps.some((step) => /-backend-config=backend\.hcl/.test(step.run ?? ''))).toBe(true);
    });
  });
});
