package dev.venice.runtime.common.controller;

/**
 * A registered value schema.
 *
 * @param id its id, from 1, in registration order
 * @param schema the Avro schema JSON
 * @param registeredAtMs when it was registered, epoch milliseconds, as ZooKeeper recorded it (the
 *     creation time of its node, so every controller reports the same); the first value schema
 *     was registered with its store
 */
public record ValueSchema(int id, String schema, long registeredAtMs) {}
