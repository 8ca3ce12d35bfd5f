/**
 * A whole Venice cluster in one JVM on loopback ports: embedded ZooKeeper, an in-process KRaft
 * Kafka broker and Venice processes, started by {@link dev.venice.runtime.localcluster.LocalCluster}
 * from JUnit or from {@code main}. Everything it starts it stops, and its temporary directories are
 * deleted on close.
 */
package dev.venice.runtime.localcluster;
