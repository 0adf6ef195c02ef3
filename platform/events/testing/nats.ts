import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

export const natsUrl = (): string => process.env.CONCORD_TEST_NATS_URL ?? '';

/** A namespace of its own for one test, so its streams and consumers start empty. */
export const testNamespace = (): string => `t${randomBytes(5).toString('hex')}`;

/** Deletes every stream of a test namespace (and with them their consumers). */
export async function dropNamespace(url: string, namespace: string): Promise<void> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    for await (const s of jsm.streams.list()) {
      if (s.config.name.startsWith(`${namespace}_`)) await jsm.streams.delete(s.config.name);
    }
  } finally {
    await nc.close();
  }
}

/** Messages stored in a stream: how many publishes JetStream kept, duplicates dropped. */
export async function streamMessages(url: string, stream: string): Promise<number> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    return (await jsm.streams.info(stream)).state.messages;
  } finally {
    await nc.close();
  }
}
