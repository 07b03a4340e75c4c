import { Context, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';

/**
 * W3C trace context across the event store and Kafka (OpenTelemetry's API only: without a tracer
 * provider registered, libs/shared/nest's tracing.ts, every span here is a no-op and nothing is
 * written). A command's events carry the `traceparent` of their append in their metadata; the
 * relay continues it in the Kafka message's `traceparent` header; each consumer continues it in
 * the span of its handling. A traceparent holds ids and flags only, never personal data.
 */
export const TRACEPARENT = 'traceparent';

export const tracer = () => trace.getTracer('salon-client-base');

/** The traceparent of `span` (undefined when it is not recorded, so nothing is written). */
export function traceparentOf(span: Span): string | undefined {
  if (!span.isRecording()) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(ROOT_CONTEXT, span), carrier);
  return carrier[TRACEPARENT];
}

/** The context a traceparent names (the root context when there is none or it is malformed). */
export function contextOfTraceparent(traceparent: unknown): Context {
  return typeof traceparent === 'string' ? propagation.extract(ROOT_CONTEXT, { [TRACEPARENT]: traceparent }) : ROOT_CONTEXT;
}

/** Runs `work` in a span that is a child of `parent`, ending it with the outcome. */
export async function inSpan<T>(name: string, kind: SpanKind, parent: Context, work: (span: Span) => Promise<T>): Promise<T> {
  const span = tracer().startSpan(name, { kind }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
    throw error;
  } finally {
    span.end();
  }
}

/** Runs `work` with `span` as the active span (what it appends or calls continues the trace). */
export function withSpan<T>(span: Span, work: () => T): T {
  return context.with(trace.setSpan(context.active(), span), work);
}

export { SpanKind, context as traceContext };
