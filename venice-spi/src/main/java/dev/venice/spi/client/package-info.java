/**
 * The asynchronous store client and the two decorator levels that wrap it.
 *
 * <p><b>Store level</b> ({@link dev.venice.spi.client.StoreClientDecorator}) wraps a whole {@link
 * dev.venice.spi.client.StoreClient}: rate limiting, coalescing, batch splitting, timeouts, tracing.
 * <b>Replica level</b> ({@link dev.venice.spi.client.ReplicaDispatchDecorator}) wraps the dispatch of
 * one partition's request to a replica and may reorder or filter the candidate replicas: hedging,
 * circuit breaking, adaptive replica selection.
 *
 * <p>Composition order in one sentence: <em>decorators run in the order they are stacked, the first
 * one stacked is the outermost and sees each call first</em>; {@link
 * dev.venice.spi.client.DecoratorStack} stacks them explicitly, or in the default order of {@link
 * dev.venice.spi.client.DecoratorOrder}.
 */
package dev.venice.spi.client;
