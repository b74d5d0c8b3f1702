/**
 * The suite's step runner and cleanup list: each step prints PASS or FAIL with its time (and, on
 * failure, screenshots every open page); cleanups run in reverse order once, at the end, on
 * failure, or on Ctrl-C.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import type { Browser, Page } from 'playwright-core';

export type StepResult = { name: string; ok: boolean; seconds: number; error?: string };

const seconds = (since: number): number => Math.round((performance.now() - since) / 100) / 10;

/** One line of an error for the FAIL line: its message's first line, without a stack. */
const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Numbered screenshots in `dir` (`01-console-signed-in.png`, …). */
export const createScreenshots = (dir: string) => {
  let taken = 0;
  return async (page: Page, name: string): Promise<string> => {
    await mkdir(dir, { recursive: true });
    taken += 1;
    const safe = name.replaceAll(/[^a-z0-9-]+/gi, '-').toLowerCase();
    const path = join(dir, `${String(taken).padStart(2, '0')}-${safe}.png`);
    await page.screenshot({ path, fullPage: true });
    return path;
  };
};

/**
 * A step runner: `step(name, run)` prints `PASS name (1.2 s)` or `FAIL name (1.2 s): reason`,
 * records the result, screenshots the open pages of `browser()` on failure, and rethrows.
 */
export const createStepRunner = ({
  browser,
  screenshot,
  print = (line: string) => {
    process.stdout.write(`${line}\n`);
  },
}: {
  browser: () => Browser | undefined;
  screenshot: (page: Page, name: string) => Promise<string>;
  print?: (line: string) => void;
}) => {
  const results: StepResult[] = [];
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    print(`---- ${name}`);
    try {
      const value = await run();
      const result = { name, ok: true, seconds: seconds(started) };
      results.push(result);
      print(`PASS ${name} (${result.seconds} s)`);
      return value;
    } catch (error) {
      const result = { name, ok: false, seconds: seconds(started), error: reasonOf(error) };
      results.push(result);
      print(`FAIL ${name} (${result.seconds} s): ${result.error}`);
      for (const context of browser()?.contexts() ?? []) {
        for (const page of context.pages()) {
          const path = await screenshot(page, `FAILED-${name}`).catch(() => undefined);
          if (path) {
            print(`     screenshot: ${path} (${page.url()})`);
          }
        }
      }
      throw error;
    }
  };
  const log = (line: string): void => {
    print(`     ${line}`);
  };
  return { step, results, log };
};

/**
 * Cleanups registered with `onCleanup`, run last-registered first by `runAll` (once: later calls
 * wait for the first). A failing cleanup is printed and the others still run.
 */
export const createCleanups = (
  print: (line: string) => void = (line) => {
    process.stdout.write(`${line}\n`);
  }
) => {
  const stops: Array<() => Promise<void> | void> = [];
  let running: Promise<void> | undefined;
  const runAll = async (): Promise<void> => {
    running ??= (async () => {
      while (stops.length > 0) {
        const stop = stops.pop();
        try {
          await stop?.();
        } catch (error) {
          print(`     cleanup failed: ${reasonOf(error)}`);
        }
      }
    })();
    return running;
  };
  return {
    onCleanup: (stop: () => Promise<void> | void) => {
      stops.push(stop);
    },
    runAll,
  };
};
