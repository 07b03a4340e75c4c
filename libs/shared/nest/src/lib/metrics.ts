import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Gauge, Histogram, Metric, register } from 'prom-client';
import { PartitionLag, RELAY_LAG_COUNT_LIMIT } from '@salon/shared/messaging';
import type { ReadinessReport } from './health';

/**
 * Prometheus metrics of a service, all in the process's one registry (prom-client's default, so
 * that the libraries' own, e.g. `salon_event_store_append_seconds`, are in it too), served as
 * text on the ops port's `/metrics`. No label carries a client id or any value of a request:
 * routes are their templates (`/clients/:clientId`), workers their names.
 */

/** A metric of this name, created once per process (tests start many applications in one). */
function metricOnce<M extends Metric>(name: string, create: () => M): M {
  return (register.getSingleMetric(name) as M | undefined) ?? create();
}

/** The `service` label on every metric of the process (the dashboards and alerts group by it). */
export function labelMetricsWithService(service: string): void {
  register.setDefaultLabels({ service });
}

let processMetricsStarted = false;
/** Node's own: event-loop lag, heap, GC, CPU, handles (`nodejs_*`, `process_*`). */
export function collectProcessMetrics(): void {
  if (processMetricsStarted) return;
  processMetricsStarted = true;
  collectDefaultMetrics({ register });
}

const httpDuration = () =>
  metricOnce(
    'http_request_duration_seconds',
    () =>
      new Histogram({
        name: 'http_request_duration_seconds',
        help: 'HTTP requests by method, route template and status (aborted: the caller went away before the answer), in seconds.',
        labelNames: ['method', 'route', 'status'],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      }),
  );

/** The route's template, never the path itself (which holds ids): `unmatched` when no route took it. */
export function routeOf(request: Request): string {
  const template = (request.route as { path?: unknown } | undefined)?.path;
  return typeof template === 'string' ? `${request.baseUrl}${template}` : 'unmatched';
}

/** Times every request of the API, from its arrival to the last byte of the answer (or the caller's leaving). */
export function httpMetricsMiddleware(request: Request, response: Response, next: NextFunction): void {
  const stop = httpDuration().startTimer();
  response.once('close', () => {
    stop({ method: request.method, route: routeOf(request), status: response.writableFinished ? String(response.statusCode) : 'aborted' });
  });
  next();
}

const checkUp = () =>
  metricOnce('salon_readiness_check_up', () => new Gauge({ name: 'salon_readiness_check_up', help: 'Each readiness check of /health/ready: 1 up, 0 down.', labelNames: ['check'] }));
const consumerLag = () =>
  metricOnce(
    'salon_consumer_lag_messages',
    () => new Gauge({ name: 'salon_consumer_lag_messages', help: "A consumer group's messages not yet consumed, over its partitions (measured at most every 10 s).", labelNames: ['worker'] }),
  );
const deadLetters = () =>
  metricOnce(
    'salon_dead_letters',
    () => new Gauge({ name: 'salon_dead_letters', help: 'Messages a worker sent to the dead-letter topic since the process started.', labelNames: ['worker'] }),
  );
const relayPublished = () =>
  metricOnce(
    'salon_relay_published_events',
    () => new Gauge({ name: 'salon_relay_published_events', help: 'Events a relay published to Kafka since the process started.', labelNames: ['worker'] }),
  );

const partitionLag = () =>
  metricOnce(
    'salon_consumer_partition_lag_messages',
    () =>
      new Gauge({
        name: 'salon_consumer_partition_lag_messages',
        help: "A consumer group's messages not yet consumed in one partition of one of its topics (measured with salon_consumer_lag_messages).",
        labelNames: ['worker', 'topic', 'partition'],
      }),
  );
const consumerLagSeconds = () =>
  metricOnce(
    'salon_consumer_lag_seconds',
    () =>
      new Gauge({
        name: 'salon_consumer_lag_seconds',
        help: 'How long the oldest message a consumer group has not consumed may have waited (an upper bound; 0 without lag), in seconds.',
        labelNames: ['worker'],
      }),
  );
const relayLagEvents = () =>
  metricOnce(
    'salon_relay_lag_events',
    () => new Gauge({ name: 'salon_relay_lag_events', help: `Events of the store a relay has not published yet (counted up to ${RELAY_LAG_COUNT_LIMIT}).`, labelNames: ['worker'] }),
  );
const relayLagSeconds = () =>
  metricOnce(
    'salon_relay_lag_seconds',
    () => new Gauge({ name: 'salon_relay_lag_seconds', help: 'Age of the oldest event a relay has not published yet (0 when none waits), in seconds.', labelNames: ['worker'] }),
  );

const WORKER_CHECK = /^worker:(.+)$/;

/**
 * Sets the gauges that follow the readiness checks (run once per scrape: the consumers' lag is
 * cached by them, the checks answer within their timeout).
 */
export function recordReadiness(checks: Readonly<Record<string, ReadinessReport>>): void {
  for (const gauge of [checkUp(), consumerLag(), partitionLag(), consumerLagSeconds(), deadLetters(), relayPublished(), relayLagEvents(), relayLagSeconds()]) gauge.reset();
  for (const [check, report] of Object.entries(checks)) {
    checkUp().set({ check }, report.ok ? 1 : 0);
    const worker = WORKER_CHECK.exec(check)?.[1];
    if (worker === undefined) continue;
    if (typeof report.lag === 'number') consumerLag().set({ worker }, report.lag);
    if (typeof report.deadLetters === 'number') deadLetters().set({ worker }, report.deadLetters);
    if (typeof report.lagSeconds === 'number') consumerLagSeconds().set({ worker }, report.lagSeconds);
    if (Array.isArray(report.partitionLags)) {
      for (const { topic, partition, lag } of report.partitionLags as PartitionLag[]) partitionLag().set({ worker, topic, partition: String(partition) }, lag);
    }
    if (typeof report.published === 'number') relayPublished().set({ worker }, report.published);
    if (typeof report.eventsBehind === 'number') relayLagEvents().set({ worker }, report.eventsBehind);
    if (typeof report.secondsBehind === 'number') relayLagSeconds().set({ worker }, report.secondsBehind);
  }
}

/** The registry's text exposition and its content type, for the ops port. */
export async function metricsExposition(): Promise<{ contentType: string; body: string }> {
  return { contentType: register.contentType, body: await register.metrics() };
}
