import mongoose from 'mongoose';
import { ALL_TOPICS } from '@salon/contracts';

/** What the clean-up needs of a messaging client (the MessagingClient port builds on this library, so it cannot be named here). */
interface TopicDeleting {
  admin(): { connect(): Promise<void>; disconnect(): Promise<void>; deleteTopics(topics: readonly string[]): Promise<void> };
}

/**
 * Removes what a service test created for itself: every topic under its KAFKA_TOPIC_PREFIX and
 * its own database. Safe to call when set-up failed half way.
 */
export async function cleanUpServiceEnvironment(kafka: TopicDeleting, prefix: string, mongoUrl: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics(ALL_TOPICS.map((topic) => prefix + topic.name)).catch(() => undefined);
  await admin.disconnect();
  const connection = await mongoose.createConnection(mongoUrl).asPromise();
  await connection.dropDatabase();
  await connection.close();
}
