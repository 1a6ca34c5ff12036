/**
 * The live demo at `/demo`, in headless Chromium, against the devstack's HTTP API and WebSocket
 * API: a user registered on the page sees the socket open, books a provider's room, watches
 * `booking.created` then `booking.confirmed` arrive and the booking turn CONFIRMED, cancels it and
 * sees `booking.cancelled`; a dropped connection comes back by itself and resumes after the last
 * notification it saw, so what happened meanwhile still shows, once.
 *
 * The first test keeps its screenshot at docs/demo.png when TESSERA_SCREENSHOT=1 (commit it), else
 * in the OS's temporary folder, so a run never dirties the repository.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createRoom, type Room } from '../../support/bookings.ts';
import { launchBrowser, watchedPage } from '../../support/browser.ts';
import { baseUrl, devstack, login, newProvider, PASSWORD, uniqueEmail } from '../../support/e2e.ts';

const UI_TIMEOUT = 15_000;

const SCREENSHOT =
  process.env.TESSERA_SCREENSHOT === '1'
    ? fileURLToPath(new URL('../../../docs/demo.png', import.meta.url))
    : join(tmpdir(), 'tessera-demo.png');

/** The page's `<meta name="tessera-websocket">`, as served. */
const webSocketUrlOfPage = async (): Promise<string> => {
  const html = await (await fetch(`${baseUrl}/demo`)).text();
  return /<meta name="tessera-websocket" content="([^"]*)">/.exec(html)?.[1] ?? '';
};

/** Registers a fresh user on the page and waits for the socket to open; answers the email. */
const registerOnPage = async (page: Page, label: string): Promise<string> => {
  const email = uniqueEmail(label);
  await page.goto(`${baseUrl}/demo`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('Name (to register)').fill(`Demo ${label}`);
  await page.getByRole('button', { name: 'Register' }).click();
  await page.locator('#socket-state[data-state="open"]').waitFor({ timeout: UI_TIMEOUT });
  return email;
};

/** Lists the rooms of `room`'s type on the page, picks it and books it with `token`; answers the booking id. */
const bookOnPage = async (page: Page, room: Room, token: string): Promise<string> => {
  await page.getByLabel('Type (optional)').fill(room.type);
  await page.getByRole('button', { name: 'List rooms' }).click();
  await page.locator(`#room option[value="${room.id}"]`).waitFor({ state: 'attached', timeout: UI_TIMEOUT });
  await page.getByLabel('Room', { exact: true }).selectOption(room.id);
  await page.getByLabel('Payment').selectOption(token);
  await page.getByRole('button', { name: 'Book the room for an hour' }).click();
  const booking = page.locator('#bookings li').first();
  await booking.waitFor({ timeout: UI_TIMEOUT });
  const id = await booking.getAttribute('data-booking-id');
  if (!id) throw new Error('the booking on the page has no id');
  return id;
};

/** The notification of `type` about booking `bookingId` on the page. */
const notification = (page: Page, type: string, bookingId: string) =>
  page.locator(`#notifications li[data-type="${type}"]`, { has: page.locator(`[title="${bookingId}"]`) });

const statusOf = (page: Page, bookingId: string, status: string) =>
  page.locator(`#bookings li[data-booking-id="${bookingId}"] .status[data-status="${status}"]`);

describe('The devstack: /demo', () => {
  it("serves the page with the WebSocket API's URL, and a policy that lets it connect there only", async () => {
    // Act
    const response = await fetch(`${baseUrl}/demo`);
    const webSocketUrl = await webSocketUrlOfPage();
    const script = await fetch(`${baseUrl}/demo/assets/demo.js`);
    const outside = await fetch(`${baseUrl}/demo/assets/demo.html`);

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(webSocketUrl).toBe(devstack?.webSocketUrl);
    expect(webSocketUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self';");
    expect(policy).toContain(`connect-src 'self' ${webSocketUrl}`);
    expect(policy).not.toContain('unsafe-');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(outside.status).toBe(404);
  });

  describe('in a browser', () => {
    let browser: Browser;
    let room: Room;

    beforeAll(async () => {
      expect(devstack).not.toBeNull();
      browser = await launchBrowser();
      room = await createRoom(await newProvider('demo-provider'), { name: 'Aurora meeting room' });
    });

    afterAll(async () => {
      await browser?.close();
    });

    it('books a room and shows booking.created, then booking.confirmed, then booking.cancelled as they arrive', {
      timeout: 60_000,
    }, async () => {
      // Prepare
      const { page, problems } = await watchedPage(browser);
      await registerOnPage(page, 'demo');

      // Act: book, paid with tok_ok
      const bookingId = await bookOnPage(page, room, 'tok_ok');
      await notification(page, 'booking.created', bookingId).waitFor({ timeout: UI_TIMEOUT });
      await notification(page, 'booking.confirmed', bookingId).waitFor({ timeout: UI_TIMEOUT });
      await statusOf(page, bookingId, 'CONFIRMED').waitFor({ timeout: UI_TIMEOUT });
      const beforeCancel = await Promise.all(
        (await page.locator('#notifications li').all()).map((item) => item.getAttribute('data-type')),
      );

      // Act: cancel
      const cancel = page
        .locator(`#bookings li[data-booking-id="${bookingId}"]`)
        .getByRole('button', { name: /Cancel/ });
      await cancel.click();
      await notification(page, 'booking.cancelled', bookingId).waitFor({ timeout: UI_TIMEOUT });
      await statusOf(page, bookingId, 'CANCELLED').waitFor({ timeout: UI_TIMEOUT });
      await page.screenshot({ path: SCREENSHOT });

      // Assess
      expect(beforeCancel.indexOf('booking.created')).toBeGreaterThanOrEqual(0);
      expect(beforeCancel.indexOf('booking.confirmed')).toBeGreaterThan(
        beforeCancel.indexOf('booking.created'),
      );
      expect(await notification(page, 'booking.confirmed', bookingId).locator('.status').textContent()).toBe(
        'PENDING_PAYMENT -> CONFIRMED',
      );
      expect(await cancel.isDisabled()).toBe(true);
      expect(problems).toEqual([]);
      await page.context().close();
    });

    it('reconnects by itself after the connection drops, and resumes after the last notification it saw', {
      timeout: 60_000,
    }, async () => {
      // Prepare
      const { page, problems } = await watchedPage(browser);
      const sent: string[] = [];
      page.on('websocket', (socket) => socket.on('framesent', ({ payload }) => sent.push(String(payload))));
      const email = await registerOnPage(page, 'demo-resume');
      const tokens = await login(email, PASSWORD);
      const bookingId = await bookOnPage(page, room, 'tok_pending');
      const created = notification(page, 'booking.created', bookingId);
      await created.waitFor({ timeout: UI_TIMEOUT });
      const lastSeen = await created.getAttribute('data-id');
      const me = (await (await call(tokens.accessToken, 'GET', '/v1/users/me')).json()) as { id: string };
      const connections = (await (await fetch(`${baseUrl}/_devstack/websocket/connections`)).json()) as {
        items: { connectionId: string; userId?: string }[];
      };
      const connection = connections.items.find((c) => c.userId === me.id);
      if (!connection) throw new Error('the page has no open connection');
      const management = (devstack?.webSocketUrl ?? '').replace(/^ws:/, 'http:');

      // Act: the server drops the connection, and the booking is cancelled while it is down
      const dropped = await fetch(`${management}/@connections/${connection.connectionId}`, {
        method: 'DELETE',
      });
      await page.locator('#socket-state[data-state="closed"]').waitFor({ timeout: UI_TIMEOUT });
      const cancelled = await call(tokens.accessToken, 'POST', `/v1/bookings/${bookingId}/cancel`);
      await page.locator('#socket-state[data-state="open"]').waitFor({ timeout: UI_TIMEOUT });
      await notification(page, 'booking.cancelled', bookingId).waitFor({ timeout: UI_TIMEOUT });
      await statusOf(page, bookingId, 'CANCELLED').waitFor({ timeout: UI_TIMEOUT });

      // Assess
      expect(dropped.status).toBe(204);
      expect(cancelled.status).toBe(200);
      const resumes = sent.map((frame) => JSON.parse(frame) as { action?: string; after?: string });
      expect(resumes.filter((frame) => frame.action === 'resume')).toEqual([
        { action: 'resume' },
        { action: 'resume', after: expect.any(String) },
      ]);
      const after = resumes.filter((frame) => frame.action === 'resume')[1]?.after ?? '';
      expect(after >= (lastSeen ?? '')).toBe(true);
      expect(await notification(page, 'booking.cancelled', bookingId).count()).toBe(1);
      expect(await notification(page, 'booking.created', bookingId).count()).toBe(1);
      expect(problems).toEqual([]);
      await page.context().close();
    });
  });
});
