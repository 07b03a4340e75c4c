import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { NextFunction, Request, Response } from 'express';
import { tracer } from '@salon/shared/event-store';
import { routeOf } from './metrics';

/**
 * Traces (OpenTelemetry), off unless configured: with `OTEL_EXPORTER_OTLP_ENDPOINT` (or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) set, a service exports its spans over OTLP/HTTP to that
 * collector. One trace follows a command: the HTTP request's span, the event-store append, the
 * relay's publish (the traceparent in the event's metadata, then in the Kafka message's header) and
 * each consumer's handling of the message (libs/shared/event-store trace-context.ts). Spans name
 * routes by their template and streams not at all: no id of a client and no personal value.
 */
let registered: TracerProvider | undefined;

/** Registers the process's tracer provider with these span processors (once per process; tests give an in-memory one). */
export function registerTracing(serviceName: string, spanProcessors: SpanProcessor[]): TracerProvider {
  if (registered) return registered;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  registered = new TracerProvider({ resource: resourceFromAttributes({ 'service.name': serviceName }), spanProcessors });
  trace.setGlobalTracerProvider(registered);
  return registered;
}

/** Tracing as the environment configures it: nothing without an OTLP endpoint. */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): TracerProvider | undefined {
  if (!env['OTEL_EXPORTER_OTLP_ENDPOINT'] && !env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']) return undefined;
  // The exporter reads the endpoint (and OTEL_EXPORTER_OTLP_HEADERS, timeouts) from the environment itself.
  const provider = registerTracing(serviceName, [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })]);
  // Spans still queued go out on a clean stop.
  process.once('beforeExit', () => void provider.shutdown().catch(() => undefined));
  return provider;
}

/**
 * A server span per request, continuing the caller's `traceparent` when it sends one; what the
 * request does (its appends) runs inside it. Named, at the end, by method and route template.
 */
export function tracingMiddleware(request: Request, response: Response, next: NextFunction): void {
  const parent = propagation.extract(ROOT_CONTEXT, request.headers);
  const span = tracer().startSpan(`HTTP ${request.method}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method } }, parent);
  if (!span.isRecording()) return next();
  response.once('close', () => {
    const route = routeOf(request);
    span.updateName(`${request.method} ${route}`);
    span.setAttribute('http.route', route);
    span.setAttribute('http.response.status_code', response.statusCode);
    if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  context.with(trace.setSpan(parent, span), next);
}
