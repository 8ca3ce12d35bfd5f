/**
 * The admin HTTP port every Venice process opens: {@code /health}, {@code /metrics} (Prometheus
 * text), {@code /plugins} (the plugin listing) and the plugins' own endpoints under {@code
 * /plugins/<id>/}, plus whatever routes the process adds.
 */
package dev.venice.runtime.common.admin;
