// The TypeScript workflows of the end-to-end tests. They call the Rust activities by name, as a
// TypeScript service calls any activity, and return what TypeScript received of each.

import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  defineSignal,
  isCancellation,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';

type Activities = Record<string, (...args: any[]) => Promise<any>>;

/** What a TypeScript caller sees of an activity's failure. */
function described(error: unknown): Record<string, unknown> {
  if (!(error instanceof ActivityFailure) || !(error.cause instanceof ApplicationFailure)) {
    return { unexpected: String(error) };
  }
  const failure = error.cause;
  const causes: string[] = [];
  for (let cause = failure.cause; cause; cause = cause.cause) {
    causes.push(cause.message);
  }
  return {
    type: failure.type,
    message: failure.message,
    nonRetryable: failure.nonRetryable,
    details: failure.details ?? [],
    causes,
  };
}

/** Lets the workflow cancel the activity that says it runs. */
export const running = defineSignal('running');

/** Calls every Rust activity on `rustQueue` and returns what arrived. */
export async function callRust(rustQueue: string): Promise<Record<string, unknown>> {
  const rust = proxyActivities<Activities>({
    taskQueue: rustQueue,
    startToCloseTimeout: '20s',
    retry: { initialInterval: '100ms', backoffCoefficient: 1, maximumAttempts: 3 },
  });
  const out: Record<string, unknown> = {};
  out.greet = await rust.greet_many('Hi', ['Ann', 'Bo'], null);
  out.greetTwoArguments = await rust.greet_many('Hi', ['Ann']);
  out.nothing = await rust.describe_nothing(undefined);
  out.returnedNothing = (await rust.return_nothing()) === undefined;
  const reversed: Uint8Array = await rust.reverse_bytes(new Uint8Array([0, 1, 255]));
  out.bytes = { isUint8Array: reversed instanceof Uint8Array, values: Array.from(reversed) };
  out.customer = await rust.rename_customer(
    { name: 'Zoë', tags: ['vip'], address: { street: "1 Rue d'Été", city: 'Paris' }, nickname: null },
    'Zoé'
  );
  out.unicode = await rust.shout('héllo ✓ 日本 🎉');
  out.total = await rust.compute_total([100, 300], 10);
  try {
    await rust.decline_payment(51);
    out.error = null;
  } catch (error) {
    out.error = described(error);
  }
  const resuming = proxyActivities<Activities>({
    taskQueue: rustQueue,
    startToCloseTimeout: '20s',
    heartbeatTimeout: '10s',
    retry: { initialInterval: '100ms', backoffCoefficient: 1, maximumAttempts: 3 },
  });
  out.resumed = await resuming.resume_from_heartbeat(3);
  // The TypeScript SDK does not read a failure's `nextRetryDelay` back (1.24.0 leaves it
  // undefined), so its effect is what is checked: the delay between the attempts.
  out.retriedAfterMs = await rust.retry_later(2000);

  let started = false;
  setHandler(running, () => {
    started = true;
  });
  const waiting = proxyActivities<Activities>({
    taskQueue: rustQueue,
    startToCloseTimeout: '60s',
    heartbeatTimeout: '5s',
    cancellationType: 'WAIT_CANCELLATION_COMPLETED',
  });
  try {
    await CancellationScope.cancellable(async () => {
      const activity = waiting.until_cancelled();
      await condition(() => started);
      CancellationScope.current().cancel();
      await activity;
    });
    out.cancelled = false;
  } catch (error) {
    out.cancelled = isCancellation(error);
  }
  return out;
}

/** Calls the activities that handle the secret, on a worker whose codec encrypts. */
export async function callEncrypted(rustQueue: string, secret: string): Promise<Record<string, unknown>> {
  const rust = proxyActivities<Activities>({
    taskQueue: rustQueue,
    startToCloseTimeout: '20s',
    retry: { maximumAttempts: 1 },
  });
  const out: Record<string, unknown> = {};
  out.kept = await rust.keep_secret(secret);
  try {
    await rust.refuse_secret(secret);
    out.refused = null;
  } catch (error) {
    out.refused = described(error);
  }
  return out;
}
