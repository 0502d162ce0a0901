// The TypeScript SDK as a real caller of activities served by activity-runtime.
//
// Run by tests/e2e as
//     node call_rust_activities.js ADDRESS plain RUST_TASK_QUEUE WORKFLOW_ID
//     node call_rust_activities.js ADDRESS encrypted RUST_TASK_QUEUE WORKFLOW_ID KEY_ID KEY_HEX SECRET
// it runs a TypeScript worker with the workflows of workflows.ts on a task queue of its own,
// executes one, and prints one JSON object with what TypeScript received. With `encrypted`,
// the worker and the client both use the encryption sample's codec.

'use strict';

const { Client, Connection } = require('@temporalio/client');
const { NativeConnection, Worker } = require('@temporalio/worker');
const { EncryptionCodec } = require('./encryption_codec');

async function main() {
  const [address, mode, rustQueue, workflowId, keyId, keyHex, secret] = process.argv.slice(2);
  const dataConverter =
    mode === 'encrypted'
      ? { payloadCodecs: [await EncryptionCodec.create(keyId, Buffer.from(keyHex, 'hex'))] }
      : undefined;
  const taskQueue = `typescript-${workflowId}`;
  const worker = await Worker.create({
    connection: await NativeConnection.connect({ address }),
    taskQueue,
    workflowsPath: require.resolve('./workflows.ts'),
    dataConverter,
  });
  const client = new Client({ connection: await Connection.connect({ address }), dataConverter });
  const [workflow, args] =
    mode === 'encrypted' ? ['callEncrypted', [rustQueue, secret]] : ['callRust', [rustQueue]];
  const result = await worker.runUntil(
    client.workflow.execute(workflow, { args, taskQueue, workflowId, workflowExecutionTimeout: '120s' })
  );
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

// Exits as soon as the answer is out: the worker's native threads need not wind down.
main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  }
);
