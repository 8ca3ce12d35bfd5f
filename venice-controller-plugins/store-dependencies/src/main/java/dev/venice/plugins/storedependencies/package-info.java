/**
 * The {@code store-dependencies} controller plugin: each store declares the stores it reads from
 * in its own config ({@code plugins.store-dependencies.upstream-stores}, written atomically with
 * the rest of it by {@code store update}); the leader controller refuses a declaration naming the
 * store itself, a store that does not exist or closing a cycle, warns (without refusing) when a
 * store others read is deleted, and {@code GET /plugins/store-dependencies/dependencies} and
 * {@code /graph} (with {@code venice show-dependencies} and {@code show-dependency-graph}) answer
 * blast-radius questions. See the module's README.
 */
package dev.venice.plugins.storedependencies;
