/**
 * The {@code latency-budget} router plugin: per-store p99 single-get latency budgets ({@code
 * plugins.latency-budget.latency-budget-ms} in store metadata), measured by a request hook into a
 * rolling HdrHistogram window, evaluated by a background task that counts and logs each exceedance,
 * served at {@code /plugins/latency-budget/status}. See the module's README.
 */
package dev.venice.plugins.latencybudget;
