/**
 * The time budget of a send (src/send-budget.ts) and proof over real HTTP that the SDK obeys its
 * abort signal: when `timeoutMs` runs out, the request in flight is cancelled (its connection
 * closed) and no retry follows.
 */
import { ConnectorError, TemplateType } from '@logto/connector-kit';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { SendTimeoutError } from '../src/errors.js';
import { SendBudget } from '../src/send-budget.js';
import { configAt, connectorWith, rejectionOf, useFakeSes } from './fixtures.js';
import { respond } from './support/fake-ses.js';

describe('SendBudget', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('aborts its signal with the timeout error, naming the step, when the time is up', async () => {
    vi.useFakeTimers();
    const budget = new SendBudget(1000);
    const expired = rejectionOf(budget.expired);
    budget.phase = 'template';
    vi.advanceTimersByTime(999);
    expect(budget.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(budget.signal.aborted).toBe(true);
    expect(budget.signal.reason).toBeInstanceOf(SendTimeoutError);
    expect(budget.signal.reason).toMatchObject({ timeoutMs: 1000, phase: 'template' });
    expect(await expired).toBe(budget.signal.reason);
  });

  it('counts a new limit from the start, and stops when ended', () => {
    vi.useFakeTimers();
    const budget = new SendBudget(1000);
    void budget.expired.catch(() => undefined);
    vi.advanceTimersByTime(600);
    budget.limitTo(800);
    vi.advanceTimersByTime(199);
    expect(budget.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(budget.signal.aborted).toBe(true);

    const ended = new SendBudget(1000);
    ended.end();
    vi.advanceTimersByTime(5000);
    expect(ended.signal.aborted).toBe(false);
  });
});

describe('a send that runs out of time, over HTTP', () => {
  const ses = useFakeSes();

  const connectorFor = async (timeoutMs: number) =>
    connectorWith(configAt(ses.fake.endpoint, { emailAddress: 'noreply@example.com', timeoutMs }));

  const sendTimesOut = async (timeoutMs: number) => {
    const connector = await connectorFor(timeoutMs);
    const error = await rejectionOf(
      connector.sendMessage({ to: 'ada@example.com', type: TemplateType.Generic, payload: { code: '1' } })
    );
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError & { data: { sesErrorName: string } }).data.sesErrorName).toBe('Timeout');
  };

  const settle = async (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('cancels the request in flight: the hung connection is closed by the client', async () => {
    ses.fake.setDefault(respond.hang());
    await sendTimesOut(500);
    expect(ses.fake.count).toBe(1);
    // Were the abort lost, the SDK would still hold the hung connection open.
    let open = await ses.fake.openConnections();
    for (let wait = 0; open > 0 && wait < 20; wait += 1) {
      await settle(50);
      open = await ses.fake.openConnections();
    }
    expect(open).toBe(0);
  });

  it('sends no retry after the time is up', async () => {
    // Throttled just before the deadline; the SDK's backoff for throttling is random() × 500 ms,
    // pinned here to 495 ms, so its retry would come about 450 ms after the deadline.
    vi.spyOn(Math, 'random').mockReturnValue(0.99);
    ses.fake.plan(respond.sesError('TooManyRequestsException', 429, 'Maximum sending rate exceeded.', 450));
    await sendTimesOut(500);
    expect(ses.fake.count).toBe(1);
    await settle(1000);
    expect(ses.fake.count).toBe(1);
  });
});
