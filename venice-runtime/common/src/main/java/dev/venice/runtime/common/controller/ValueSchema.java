package dev.venice.runtime.common.controller;

/**
 * A registered value schema.
 *
 * @param id its id, from 1, in registration order
 * @param schema the Avro schema JSON
 */
public record ValueSchema(int id, String schema) {}
