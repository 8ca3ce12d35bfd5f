/**
 * The {@code dead-letter-queue} server plugin: for a store that switches it on, every record the
 * server cannot apply (permanently) is kept in the Kafka topic {@code <store>_dlq} with its key and
 * value bytes unchanged and a structured error record in versioned headers; the topic is created
 * ahead of need. The host writes what the plugin encodes, so nothing is lost. See the module's
 * README.
 */
package dev.venice.plugins.deadletterqueue;
