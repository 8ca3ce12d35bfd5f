/**
 * Writing to stores: {@link dev.venice.runtime.push.PushJob} pushes a file as a new version;
 * {@link dev.venice.runtime.push.OnlineProducer} writes to a hybrid store's real-time topic.
 */
package dev.venice.runtime.push;
