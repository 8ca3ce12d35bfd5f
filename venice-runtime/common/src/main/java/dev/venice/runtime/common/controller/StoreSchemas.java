package dev.venice.runtime.common.controller;

import java.util.List;

/**
 * A store's schemas.
 *
 * @param store the store
 * @param keySchema the key schema
 * @param valueSchemas the value schemas, by increasing id
 */
public record StoreSchemas(String store, String keySchema, List<ValueSchema> valueSchemas) {}
