package dev.venice.runtime.common.meta;

/**
 * Settings of a hybrid store, which takes real-time writes besides batch pushes.
 *
 * @param rewindSeconds how far back in the real-time topic a new version starts replaying
 * @param offsetLagThreshold how many records a replica may lag the real-time topic and still be ready
 */
public record HybridConfig(long rewindSeconds, long offsetLagThreshold) {}
