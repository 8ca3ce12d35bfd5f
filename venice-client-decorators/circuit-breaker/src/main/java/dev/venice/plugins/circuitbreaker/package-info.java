/**
 * The {@code circuit-breaker} client decorator: one CLOSED/OPEN/HALF_OPEN state machine per server
 * instance of a store; replica selection skips instances whose breaker is open, and each attempt
 * at an instance asks its breaker first and reports its outcome. See the module's README.
 */
package dev.venice.plugins.circuitbreaker;
