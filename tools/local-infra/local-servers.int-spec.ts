import { randomUUID } from 'node:crypto';
import { Client as MinioClient } from 'minio';
import mongoose, { Schema } from 'mongoose';
import { createMessagingClient, createTopicsAndWait } from '@salon/shared/messaging';
import { kafkaBrokers, minio, mongoUrl, uniqueName } from '@salon/shared/testing';

// The local servers the whole test suite relies on, each exercised for real.
describe('local servers', () => {
  it('Kafka: a produced message is consumed by a consumer group', async () => {
    const kafka = createMessagingClient({ clientId: 'smoke', brokers: kafkaBrokers(), logLevel: 'nothing' });
    const topic = uniqueName('smoke-topic');
    const admin = kafka.admin();
    await admin.connect();
    await createTopicsAndWait(admin, [{ topic, numPartitions: 1 }]);
    const producer = kafka.producer();
    const consumer = kafka.consumer({ groupId: uniqueName('smoke-group') });
    try {
      await producer.connect();
      const value = randomUUID();
      await producer.send({ topic, messages: [{ key: 'client-1', value }] });

      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      const received = await new Promise<{ key?: string; value?: string }>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => resolve({ key: message.key?.toString(), value: message.value?.toString() }),
        });
      });
      expect(received).toEqual({ key: 'client-1', value });
    } finally {
      await Promise.all([producer.disconnect(), consumer.disconnect()]);
      await admin.deleteTopics([topic]);
      await admin.disconnect();
    }
  });

  it('MongoDB-compatible server: mongoose writes and reads a document', async () => {
    const connection = await mongoose.createConnection(mongoUrl(uniqueName('smoke')), { serverSelectionTimeoutMS: 5_000 }).asPromise();
    try {
      const Thing = connection.model('Thing', new Schema({ name: String, count: Number }));
      await Thing.create({ name: 'Żaneta Ёлкина', count: 2 });
      const found = await Thing.findOne({ name: 'Żaneta Ёлкина' }).lean();
      expect(found).toMatchObject({ name: 'Żaneta Ёлкина', count: 2 });
    } finally {
      await connection.dropDatabase();
      await connection.close();
    }
  });

  it('MinIO: an object put into a bucket is read back byte for byte', async () => {
    const client = new MinioClient(minio());
    const bucket = uniqueName('smoke');
    const body = Buffer.from(randomUUID());
    await client.makeBucket(bucket);
    try {
      await client.putObject(bucket, 'photo.txt', body, body.length, { 'Content-Type': 'text/plain' });
      const stream = await client.getObject(bucket, 'photo.txt');
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).equals(body)).toBe(true);
    } finally {
      await client.removeObject(bucket, 'photo.txt');
      await client.removeBucket(bucket);
    }
  });
});

describe('when a server is not running', () => {
  it('the global setup fails at once, naming the server and how to start it', async () => {
    const checkServers = require('../../libs/shared/testing/src/global-setup.js') as () => Promise<void>;
    const saved = process.env.MONGO_URL;
    process.env.MONGO_URL = 'mongodb://127.0.0.1:1/nothing-listens-here';
    const started = Date.now();
    try {
      await expect(checkServers()).rejects.toThrow(
        /MongoDB-compatible server is not reachable at 127\.0\.0\.1:1 .*\n.*npm run infra start/s,
      );
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      if (saved === undefined) delete process.env.MONGO_URL;
      else process.env.MONGO_URL = saved;
    }
  });
});
