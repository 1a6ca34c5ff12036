/**
 * The devstack is a list of parts (DynamoDB Local, the tables, the secrets, the bus, the queues, the
 * functions, the event source mappings, the gateway, ...), each something that starts and stops.
 * `startParts` starts them in order and, should one fail, stops the ones already started (and the
 * one that failed, which may have got half way) in reverse; the `stop` it answers does the same for
 * all of them, once. A part that fails to stop is reported and the others still stop.
 */

interface Part {
  /** For messages and the start-up timings. */
  readonly name: string;
  start(): Promise<unknown>;
  /** Safe to call after a start that failed half way, or twice. */
  stop(): Promise<void>;
}

interface PartTiming {
  readonly name: string;
  readonly ms: number;
}

interface StartedParts {
  /** How long each part took to start, in order. */
  readonly timings: readonly PartTiming[];
  /** Stops every started part, last first; resolves when all have stopped. */
  stop(): Promise<void>;
}

/**
 * A part from a name and a start function that answers how to undo it (or nothing to undo).
 *
 * @example
 * const folder = part('data folder', async () => {
 *   mkdirSync(dir, { recursive: true });
 *   return () => rmSync(dir, { recursive: true, force: true });
 * });
 */
const part = (name: string, start: () => Promise<(() => void | Promise<void>) | undefined | void>): Part => {
  let undo: (() => void | Promise<void>) | undefined;
  return {
    name,
    start: async () => {
      undo = (await start()) ?? undefined;
    },
    stop: async () => {
      const pending = undo;
      undo = undefined;
      await pending?.();
    },
  };
};

/**
 * Starts the parts in order; on a failure stops what was started, last first, and rethrows.
 *
 * @example
 * const running = await startParts([dynamodb, tables, functions, gateway], (line) => console.log(line));
 * await running.stop();
 */
const startParts = async (
  parts: readonly Part[],
  onStopError: (part: string, error: unknown) => void = () => {},
): Promise<StartedParts> => {
  const started: Part[] = [];
  const timings: PartTiming[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      for (const p of started.splice(0).reverse()) {
        try {
          await p.stop();
        } catch (error) {
          onStopError(p.name, error);
        }
      }
    })();
    return stopping;
  };
  for (const p of parts) {
    const began = performance.now();
    // Stopped too, should it fail: a part may get half way before it throws.
    started.push(p);
    try {
      await p.start();
    } catch (error) {
      await stop();
      throw error;
    }
    timings.push({ name: p.name, ms: Math.round(performance.now() - began) });
  }
  return { timings, stop };
};

export type { Part, PartTiming, StartedParts };
export { part, startParts };
