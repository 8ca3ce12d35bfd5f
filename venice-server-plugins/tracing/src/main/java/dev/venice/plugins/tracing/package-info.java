/**
 * The {@code tracing} plugin: OpenTelemetry spans for the read path in clients, routers and
 * servers, with W3C trace context carried in each request's headers and exported over OTLP. See
 * the module's README.
 */
package dev.venice.plugins.tracing;
