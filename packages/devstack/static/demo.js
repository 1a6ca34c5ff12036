/**
 * The devstack's live demo (`/demo`): sign in or register, list or create rooms, book one with a
 * chosen payment outcome, cancel, and watch the WebSocket API's notifications arrive
 * (docs/websocket.md). A plain ES module, no build step; everything the server sends is shown with
 * `textContent`, never parsed as HTML.
 *
 * The socket: `<meta name="tessera-websocket">` names it (empty when no WebSocket gateway runs); it
 * connects with `?token=<accessToken>`, and on every open sends `resume` after the last notification
 * id seen, so a reconnect misses nothing and a message seen twice is shown once (deduplicated by
 * `id`). A closed socket reconnects by itself with exponential backoff (1 s, 2 s, 4 s ... 30 s, with
 * jitter); an open one sends `ping` every 5 minutes, inside the server's 10-minute idle limit. The
 * access token is refreshed shortly before it expires.
 */

const WEBSOCKET_URL = document.querySelector('meta[name="tessera-websocket"]')?.content ?? '';
const PING_EVERY_MS = 5 * 60 * 1000;
const MAX_BACKOFF_SECONDS = 30;
const MAX_NOTIFICATIONS_SHOWN = 200;
const LIVE_STATUSES = new Set(['PENDING_PAYMENT', 'CONFIRMED']);
const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const element = (id) => {
  const found = document.getElementById(id);
  if (!found) throw new Error(`The page has no #${id}`);
  return found;
};

/** A new element with text, attributes and children; text only ever through textContent. */
const make = (tag, { text, className, attributes = {} } = {}, children = []) => {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
};

const state = {
  /** `{ accessToken, refreshToken }` while signed in. */
  tokens: null,
  me: null,
  rooms: new Map(),
  bookings: new Map(),
  /** Notification ids shown, and the greatest (ids sort in the order the inbox stored them). */
  seen: new Set(),
  lastId: undefined,
  socket: null,
  attempt: 0,
  timers: { reconnect: 0, countdown: 0, ping: 0 },
};

// ---------------------------------------------------------------- messages

class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

const showMessage = (text) => {
  const message = element('message');
  message.textContent = text;
  message.hidden = !text;
};

const describeError = (error) => {
  if (!(error instanceof ApiError)) return String(error?.message ?? error);
  const fields = (error.problem?.errors ?? []).map((e) =>
    `${e.field ?? e.name ?? ''} ${e.message ?? ''}`.trim(),
  );
  return [`${error.status} ${error.problem?.title ?? ''}: ${error.message}`, ...fields].join(' · ');
};

/**
 * Runs an action from a button: disabled meanwhile, its failure shown. A button whose
 * `data-closed` is "true" (a booking that can no longer be cancelled) stays disabled after.
 */
const action = (button, run) => async (event) => {
  event?.preventDefault();
  button.dataset.busy = 'true';
  button.disabled = true;
  showMessage('');
  try {
    await run();
  } catch (error) {
    showMessage(describeError(error));
  } finally {
    delete button.dataset.busy;
    button.disabled = button.dataset.closed === 'true';
  }
};

// ---------------------------------------------------------------- the API

const expiresAt = (jwt) => {
  try {
    const payload = jwt.split('.')[1].replaceAll('-', '+').replaceAll('_', '/');
    return JSON.parse(atob(payload)).exp * 1000;
  } catch {
    return 0;
  }
};

const request = async (method, path, { body, token } = {}) => {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(path, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
};

/** The access token, refreshed (rotating the refresh token) when it expires within a minute. */
const accessToken = async () => {
  if (!state.tokens) throw new Error('Sign in first.');
  if (expiresAt(state.tokens.accessToken) - Date.now() < MINUTE) {
    state.tokens = await request('POST', '/v1/auth/refresh', {
      body: { refreshToken: state.tokens.refreshToken },
    });
  }
  return state.tokens.accessToken;
};

const api = async (method, path, body) => request(method, path, { body, token: await accessToken() });

// ---------------------------------------------------------------- the socket

const setSocketState = (name, text = name) => {
  const badge = element('socket-state');
  badge.dataset.state = name;
  badge.textContent = text;
};

const stopTimers = () => {
  clearTimeout(state.timers.reconnect);
  clearInterval(state.timers.countdown);
  clearInterval(state.timers.ping);
};

const send = (message) => {
  if (state.socket?.readyState === WebSocket.OPEN) state.socket.send(JSON.stringify(message));
};

const scheduleReconnect = () => {
  const seconds = Math.min(MAX_BACKOFF_SECONDS, 2 ** state.attempt);
  state.attempt += 1;
  const deadline = Date.now() + seconds * 1000 * (0.8 + Math.random() * 0.4);
  const show = () => {
    const left = Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
    setSocketState('closed', `closed, reconnecting in ${left} s`);
  };
  show();
  state.timers.countdown = setInterval(show, 1000);
  state.timers.reconnect = setTimeout(connect, deadline - Date.now());
};

const onSocketMessage = (event) => {
  let message;
  try {
    message = JSON.parse(event.data);
  } catch {
    return;
  }
  if (message?.type === 'pong' || message?.type === 'response') return;
  if (message?.type === 'resumed') {
    if (message.lastId && (!state.lastId || message.lastId > state.lastId)) state.lastId = message.lastId;
    return;
  }
  if (message?.type === 'error') {
    showMessage(`WebSocket: ${message.status} ${message.body?.title ?? ''} ${message.body?.detail ?? ''}`);
    return;
  }
  if (typeof message?.id === 'string' && typeof message.type === 'string') showNotification(message);
};

async function connect() {
  stopTimers();
  if (!state.tokens) return;
  if (!WEBSOCKET_URL) {
    setSocketState('closed', 'unavailable: no WebSocket gateway runs');
    return;
  }
  setSocketState('connecting');
  let url;
  try {
    url = new URL(WEBSOCKET_URL);
    url.searchParams.set('token', await accessToken());
  } catch (error) {
    showMessage(describeError(error));
    scheduleReconnect();
    return;
  }
  const socket = new WebSocket(url);
  state.socket = socket;
  socket.addEventListener('open', () => {
    if (state.socket !== socket) return;
    state.attempt = 0;
    setSocketState('open');
    send(state.lastId ? { action: 'resume', after: state.lastId } : { action: 'resume' });
    state.timers.ping = setInterval(() => send({ action: 'ping' }), PING_EVERY_MS);
  });
  socket.addEventListener('message', (event) => {
    if (state.socket === socket) onSocketMessage(event);
  });
  socket.addEventListener('close', () => {
    if (state.socket !== socket) return;
    state.socket = null;
    stopTimers();
    if (state.tokens) scheduleReconnect();
  });
}

const disconnect = () => {
  stopTimers();
  const socket = state.socket;
  state.socket = null;
  socket?.close(1000, 'signed out');
  setSocketState('signed-out', 'signed out');
};

// ---------------------------------------------------------------- notifications and bookings

const clock = (iso) => (iso ? new Date(iso).toISOString().slice(11, 19) : '');

const interval = (booking) =>
  `${booking.startTime.slice(0, 10)} ${booking.startTime.slice(11, 16)}–${booking.endTime.slice(11, 16)} UTC`;

function showNotification(message) {
  if (state.seen.has(message.id)) return;
  state.seen.add(message.id);
  if (!state.lastId || message.id > state.lastId) state.lastId = message.id;

  const data = message.data ?? {};
  const booking = data.booking;
  const bookingId = booking?.id ?? data.payment?.bookingId;
  const status = booking?.status ?? data.payment?.status;
  const change = data.previousStatus && status ? `${data.previousStatus} -> ${status}` : status;
  const details = [
    make('time', { text: clock(message.occurredAt), attributes: { datetime: message.occurredAt ?? '' } }),
    ' ',
    make('code', { text: message.type, className: 'type' }),
  ];
  if (bookingId)
    details.push(
      ' booking ',
      make('code', { text: bookingId.slice(0, 8), attributes: { title: bookingId } }),
    );
  if (change)
    details.push(
      ' ',
      make('span', { text: change, className: 'status', attributes: { 'data-status': status } }),
    );
  const list = element('notifications');
  list.append(make('li', { attributes: { 'data-id': message.id, 'data-type': message.type } }, details));
  while (list.childElementCount > MAX_NOTIFICATIONS_SHOWN) list.firstElementChild?.remove();
  list.lastElementChild?.scrollIntoView({ block: 'nearest' });

  if (booking && message.type.startsWith('booking.')) showBooking(booking);
}

/** Shows a booking, or its newer state: a notification replayed late never takes a status back. */
function showBooking(booking) {
  const known = state.bookings.get(booking.id);
  if (known && known.version > booking.version) return;
  state.bookings.set(booking.id, booking);
  const list = element('bookings');
  let item = list.querySelector(`li[data-booking-id="${CSS.escape(booking.id)}"]`);
  if (!item) {
    const cancel = make('button', { text: 'Cancel', attributes: { type: 'button' } });
    cancel.addEventListener(
      'click',
      action(cancel, async () => {
        showBooking(await api('POST', `/v1/bookings/${encodeURIComponent(booking.id)}/cancel`));
      }),
    );
    item = make('li', { attributes: { 'data-booking-id': booking.id } }, [
      make('strong', { className: 'room' }),
      ' ',
      make('span', { className: 'when' }),
      ' ',
      make('span', { className: 'status', attributes: { role: 'status' } }),
      ' ',
      cancel,
    ]);
    list.prepend(item);
  }
  item.querySelector('.room').textContent = state.rooms.get(booking.roomId)?.name ?? 'Room';
  item.querySelector('.when').textContent = interval(booking);
  const status = item.querySelector('.status');
  status.textContent = booking.status;
  status.dataset.status = booking.status;
  const cancel = item.querySelector('button');
  cancel.dataset.closed = String(!LIVE_STATUSES.has(booking.status));
  cancel.disabled = cancel.dataset.closed === 'true' || cancel.dataset.busy === 'true';
  cancel.setAttribute('aria-label', `Cancel the booking of ${interval(booking)}`);
}

// ---------------------------------------------------------------- rooms

const roomLabel = (room) =>
  `${room.name} · ${room.type} · ${(room.pricePerHour / 100).toFixed(2)} ${room.currency}/h`;

const showRooms = (selectedId) => {
  const select = element('room');
  const rooms = [...state.rooms.values()];
  select.replaceChildren(
    ...(rooms.length === 0
      ? [make('option', { text: 'No rooms yet', attributes: { value: '' } })]
      : rooms.map((room) => make('option', { text: roomLabel(room), attributes: { value: room.id } }))),
  );
  if (selectedId) select.value = selectedId;
};

/** The rooms (of a type, if given), newest first: up to five pages of 100. */
const listRooms = async () => {
  const type = element('room-type-filter').value.trim();
  const found = [];
  let cursor = null;
  for (let page = 0; page < 5; page += 1) {
    const query = new URLSearchParams({ limit: '100' });
    if (type) query.set('type', type);
    if (cursor) query.set('cursor', cursor);
    const answer = await api('GET', `/v1/rooms?${query}`);
    found.push(...answer.items);
    cursor = answer.nextCursor;
    if (!cursor) break;
  }
  state.rooms = new Map(found.reverse().map((room) => [room.id, room]));
  showRooms();
};

const createRoom = async () => {
  const value = (id) => element(id).value.trim();
  const room = await api('POST', '/v1/rooms', {
    name: value('room-name'),
    type: value('room-type'),
    capacity: Number(value('room-capacity')),
    pricePerHour: Number(value('room-price')),
    currency: value('room-currency'),
    // An admin creates a room for a provider; themselves will do (an admin qualifies).
    ...(state.me.role === 'admin' ? { providerId: state.me.id } : {}),
  });
  state.rooms = new Map([[room.id, room], ...state.rooms]);
  showRooms(room.id);
};

/** An hour from 10:00 UTC, tomorrow plus a random number of days, so repeated runs rarely collide. */
const nextSlot = () => {
  const start = (Math.floor(Date.now() / DAY) + 1 + Math.floor(Math.random() * 180)) * DAY + 10 * HOUR;
  return { startTime: new Date(start).toISOString(), endTime: new Date(start + HOUR).toISOString() };
};

const createBooking = async () => {
  const roomId = element('room').value;
  if (!roomId) throw new Error('Pick a room first (list them, or create one).');
  const booking = await api('POST', '/v1/bookings', {
    roomId,
    ...nextSlot(),
    paymentToken: element('payment-token').value,
  });
  showBooking(booking);
};

// ---------------------------------------------------------------- account

const showSignedIn = () => {
  const signedIn = state.me !== null;
  element('sign-in').hidden = signedIn;
  element('signed-in').hidden = !signedIn;
  element('rooms').hidden = !signedIn;
  const role = state.me?.role;
  element('create-room').hidden = role !== 'provider' && role !== 'admin';
  element('book').hidden = !signedIn;
  element('create-booking').hidden = role !== 'user' && role !== 'admin';
  element('who').textContent = state.me?.email ?? '';
  element('role').textContent = role ?? '';
};

const signIn = async (email, password) => {
  state.tokens = await request('POST', '/v1/auth/login', { body: { email, password } });
  state.me = await api('GET', '/v1/users/me');
  element('password').value = '';
  showSignedIn();
  connect();
  await listRooms();
};

const signOut = async () => {
  const tokens = state.tokens;
  state.tokens = null;
  state.me = null;
  disconnect();
  Object.assign(state, {
    rooms: new Map(),
    bookings: new Map(),
    seen: new Set(),
    lastId: undefined,
    attempt: 0,
  });
  element('bookings').replaceChildren();
  element('notifications').replaceChildren();
  showRooms();
  showSignedIn();
  if (tokens) await request('POST', '/v1/auth/logout', { body: { refreshToken: tokens.refreshToken } });
};

// ---------------------------------------------------------------- wiring

const form = element('sign-in');
form.addEventListener(
  'submit',
  action(element('sign-in-button'), () => signIn(element('email').value.trim(), element('password').value)),
);
const register = element('register-button');
register.addEventListener(
  'click',
  action(register, async () => {
    if (!form.reportValidity()) return;
    const email = element('email').value.trim();
    const password = element('password').value;
    const name = element('name').value.trim() || email.split('@')[0] || 'Demo user';
    await request('POST', '/v1/auth/register', { body: { email, password, name } });
    await signIn(email, password);
  }),
);
const signOutButton = element('sign-out-button');
signOutButton.addEventListener('click', action(signOutButton, signOut));
const listForm = element('list-rooms');
listForm.addEventListener('submit', action(listForm.querySelector('button'), listRooms));
const roomForm = element('create-room');
roomForm.addEventListener('submit', action(roomForm.querySelector('button'), createRoom));
const bookingForm = element('create-booking');
bookingForm.addEventListener('submit', action(bookingForm.querySelector('button'), createBooking));
showRooms();
