import { defaultTimeoutMs } from './config.js';
import { type SendPhase, SendTimeoutError } from './errors.js';

/**
 * The abort signal one send hands to the SDK, in the shape the SDK documents for
 * `client.send(command, { abortSignal })`: `aborted`, `reason`, `onabort`, and abort listeners
 * (its retry loop and HTTP handler add them). Node's `AbortController` does the same through an
 * `EventTarget`, at about 20 µs more per send (`npm run bench -- --profile`). Aborted at most
 * once; listeners are called in the order they were added.
 */
export class SendAbortSignal {
  aborted = false;
  reason: unknown = undefined;
  /** The SDK's older signal interface; the SDK uses listeners when it finds `addEventListener`. */
  onabort: (() => void) | null = null;
  readonly #listeners = new Set<() => void>();

  addEventListener(_type: 'abort', listener: () => void): void {
    this.#listeners.add(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    this.#listeners.delete(listener);
  }

  abort(reason: unknown): void {
    if (this.aborted) {
      return;
    }
    this.aborted = true;
    this.reason = reason;
    for (const listener of this.#listeners) {
      listener();
    }
    this.onabort?.();
  }
}

/**
 * The clock of one send, started when `sendMessage` is entered: {@link defaultTimeoutMs} until
 * the config is known, then the config's `timeoutMs`, both counted from the start. When it runs
 * out, {@link SendBudget.expired} rejects with a {@link SendTimeoutError} naming the step that
 * was running, and {@link SendBudget.signal} aborts the SDK's request and retries.
 */
export class SendBudget {
  /** Handed to the SDK: aborted, with the {@link SendTimeoutError} as reason, when the time is up. */
  readonly signal = new SendAbortSignal();
  /** Rejects when the time is up; never resolves. Race the send against it. */
  readonly expired: Promise<never>;
  /** The step running now (set by the caller), named in the timeout error. */
  phase: SendPhase = 'config';
  /**
   * True from when the SDK began the send until it found credentials (set by the send, see
   * src/send-email.ts): a send that runs out of time meanwhile never reached SES.
   */
  credentialsPending = false;
  #timeoutMs: number;
  readonly #startedAt = performance.now();
  #timer: NodeJS.Timeout;
  #reject: (error: SendTimeoutError) => void = () => undefined;

  constructor(timeoutMs: number = defaultTimeoutMs) {
    this.#timeoutMs = timeoutMs;
    this.expired = new Promise<never>((_resolve, reject) => {
      this.#reject = reject;
    });
    this.#timer = setTimeout(expireBudget, timeoutMs, this);
  }

  /** When the budget started (`performance.now()`), the moment sendMessage was entered. */
  get startedAt(): number {
    return this.#startedAt;
  }

  /** The budget in milliseconds, counted from the start. */
  get timeoutMs(): number {
    return this.#timeoutMs;
  }

  /** Sets the budget to `timeoutMs` from the start (already running out if that has passed). */
  limitTo(timeoutMs: number): void {
    if (timeoutMs === this.#timeoutMs) {
      return;
    }
    clearTimeout(this.#timer);
    this.#timeoutMs = timeoutMs;
    const left = timeoutMs - (performance.now() - this.#startedAt);
    this.#timer = setTimeout(expireBudget, Math.max(0, left), this);
  }

  /** Stops the clock; call once the send has ended, either way. */
  end(): void {
    clearTimeout(this.#timer);
  }

  /** Runs out: aborts the SDK's request and retries, and rejects {@link SendBudget.expired}. */
  expire(): void {
    const error = new SendTimeoutError(this.#timeoutMs, this.phase);
    this.signal.abort(error);
    this.#reject(error);
  }
}

const expireBudget = (budget: SendBudget) => {
  budget.expire();
};
