/**
 * The {@code adaptive-routing} client decorator: orders each partition request's candidate
 * replicas by power-of-two-choices over a per-instance score (peak-EWMA latency times in-flight
 * requests, raised by the error rate), so slow or failing replicas get less traffic and recovered
 * ones win it back. See the module's README.
 */
package dev.venice.plugins.adaptiverouting;
