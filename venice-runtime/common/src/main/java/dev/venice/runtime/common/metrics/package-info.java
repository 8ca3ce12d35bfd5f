/** The meters every Venice process exports at {@code /metrics}, JVM and process meters included. */
package dev.venice.runtime.common.metrics;
