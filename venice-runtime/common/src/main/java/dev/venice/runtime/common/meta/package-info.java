/**
 * The cluster metadata model the controller keeps in ZooKeeper and serves as JSON: stores,
 * versions, push status, topic names. Records here are immutable and map one-to-one onto the admin
 * API's JSON.
 */
package dev.venice.runtime.common.meta;
