/**
 * The abort signal a send hands to the SDK (src/ses-client.ts `SendAbortSignal`, a light
 * stand-in for Node's AbortController), and proof over real HTTP that the SDK obeys it: when
 * `timeoutMs` runs out, the request in flight is cancelled (its connection closed) and no retry
 * follows.
 */
import { ConnectorError, TemplateType } from '@logto/connector-kit';
import { describe, expect, it, vi } from 'vitest';

import { SendAbortSignal } from '../src/ses-client.js';
import { configAt, connectorWith, rejectionOf, useFakeSes } from './fixtures.js';
import { respond } from './support/fake-ses.js';

describe('SendAbortSignal', () => {
  it('calls every listener still added, in order, once, then onabort, and keeps the reason', () => {
    const signal = new SendAbortSignal();
    const calls: string[] = [];
    const first = () => calls.push('first');
    const removed = () => calls.push('removed');
    signal.addEventListener('abort', first);
    signal.addEventListener('abort', removed);
    signal.addEventListener('abort', () => calls.push(`second, aborted: ${signal.aborted}`));
    signal.removeEventListener('abort', removed);
    signal.onabort = () => calls.push('onabort');
    const reason = new Error('too late');

    expect(signal.aborted).toBe(false);
    signal.abort(reason);
    signal.abort(new Error('again'));

    expect(calls).toEqual(['first', 'second, aborted: true', 'onabort']);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(reason);
  });

  it('aborts without listeners or onabort', () => {
    const signal = new SendAbortSignal();
    signal.abort('reason');
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('reason');
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
