/**
 * The interactive API reference at `/docs`, in headless Chromium: Swagger UI renders the
 * contract's operations, "Authorize" takes a real access token, and "Try it out" calls the devstack
 * the page came from; its assets are served by name only, under a policy that allows no inline
 * script, and the page runs clean under it.
 */
import { request as httpRequest } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, watchedPage } from '../../support/browser.ts';
import { baseUrl, devstack, newAccount } from '../../support/e2e.ts';

const UI_TIMEOUT = 15_000;

/** A GET of `path` exactly as written (fetch would resolve its dot segments before sending). */
const rawGet = (path: string): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    const { hostname, port } = new URL(baseUrl);
    const request = httpRequest({ hostname, port, path, method: 'GET' }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    request.on('error', reject);
    request.end();
  });

describe('The devstack: /docs', () => {
  it('serves the reference page under a strict policy, with no inline script', async () => {
    // Prepare
    const paths = ['/docs', '/docs/'];

    for (const path of paths) {
      // Act
      const response = await fetch(`${baseUrl}${path}`);
      const html = await response.text();

      // Assess
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const policy = response.headers.get('content-security-policy') ?? '';
      expect(policy).toContain("default-src 'none'");
      expect(policy).toContain("script-src 'self';");
      expect(policy).not.toContain('unsafe-inline');
      expect(policy).not.toContain('unsafe-eval');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      // Every script is a file of the devstack's: none inline, none from elsewhere.
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map(([tag]) => tag);
      expect(scripts.length).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag).toMatch(/ src="\/docs\/assets\/[\w.-]+"/);
      expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    }
  });

  it("serves Swagger UI's files from swagger-ui-dist with their content types", async () => {
    // Prepare
    const expected = {
      'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
      'swagger-ui.css': 'text/css; charset=utf-8',
      'favicon-32x32.png': 'image/png',
      'docs.js': 'text/javascript; charset=utf-8',
    };

    for (const [name, type] of Object.entries(expected)) {
      // Act
      const response = await fetch(`${baseUrl}/docs/assets/${name}`);
      const head = await fetch(`${baseUrl}/docs/assets/${name}`, { method: 'HEAD' });

      // Assess
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(type);
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(0);
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(response.headers.get('content-length'));
    }
  });

  it('answers 404 for any other name, a path that climbs out of the folder included', async () => {
    // Prepare
    const paths = [
      '/docs/assets/../../package.json',
      '/docs/assets/..%2F..%2Fpackage.json',
      '/docs/assets/%2e%2e/%2e%2e/package.json',
      '/docs/assets/package.json',
      '/docs/assets/index.html',
      '/docs/assets/swagger-ui-bundle.js.map',
      '/docs/assets/docs.html',
      '/docs/assets/',
      '/docs/assets/constructor',
    ];

    for (const path of paths) {
      // Act
      const response = await rawGet(path);

      // Assess
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
      expect(response.body).not.toContain('"name"');
    }
  });

  describe('in a browser', () => {
    let browser: Browser;

    beforeAll(async () => {
      browser = await launchBrowser();
    });

    afterAll(async () => {
      await browser?.close();
    });

    it('renders the operations, authorizes with an access token, and tries GET /v1/users/me against the devstack', {
      timeout: 60_000,
    }, async () => {
      // Prepare
      expect(devstack).not.toBeNull();
      const account = await newAccount('docs');
      const { page, problems } = await watchedPage(browser);

      // Act: the page renders the contract
      await page.goto(`${baseUrl}/docs`);
      const getMe = page.locator('#operations-users-getMe');
      await getMe.waitFor({ timeout: UI_TIMEOUT });
      const operations = await page.locator('.opblock').count();

      // Act: Authorize with the bearer token
      await page.locator('.auth-wrapper button.authorize').click();
      const modal = page.locator('.modal-ux');
      await modal.locator('input[type="text"]').fill(account.tokens.accessToken);
      await modal.locator('button.authorize').click();
      await modal.locator('button.btn-done').click();

      // Act: Try it out, Execute
      await getMe.locator('.opblock-summary-control').click();
      await getMe.getByRole('button', { name: 'Try it out' }).click();
      await getMe.getByRole('button', { name: 'Execute' }).click();
      const live = getMe.locator('.live-responses-table');
      await live
        .locator('tr.response .response-col_status', { hasText: '200' })
        .waitFor({ timeout: UI_TIMEOUT });
      const body = await live.locator('tr.response .response-col_description').innerText();
      const requestUrl = await getMe.locator('.request-url pre').innerText();

      // Assess
      expect(operations).toBe(
        Object.values(
          (
            (await (await fetch(`${baseUrl}/openapi.json`)).json()) as {
              paths: Record<string, Record<string, unknown>>;
            }
          ).paths,
        ).flatMap((item) => Object.keys(item).filter((key) => key !== 'parameters')).length,
      );
      expect(requestUrl).toBe(`${baseUrl}/v1/users/me`);
      expect(body).toContain(account.email);
      expect(problems).toEqual([]);
      await page.context().close();
    });
  });
});
