/**
 * The {@code config-history} controller plugin: after every successful store-config mutation
 * ({@code CREATE_STORE}, {@code UPDATE_STORE}, {@code DELETE_STORE}) the leader controller appends
 * an entry (time, caller, operation, field-level changes, the configuration afterwards) to the
 * store's history node in ZooKeeper, keeping the last {@code max-entries} within ZooKeeper's node
 * size; {@code GET /plugins/config-history/history?store=S} and {@code venice show-config-history}
 * read it. See the module's README.
 */
package dev.venice.plugins.confighistory;
