/**
 * The data plane's shared pieces: the partitioner, value compression, Avro serialization, the
 * Kafka message envelope and {@link dev.venice.runtime.common.data.VeniceWriter}, which every
 * producer (push job, online producer, hybrid leader) writes through.
 */
package dev.venice.runtime.common.data;
