/**
 * The Venice controller: stores, schemas and versions kept in ZooKeeper, version topics in Kafka,
 * one Helix resource per version, leader election among controllers through Helix, and the admin
 * API over HTTP + JSON. Start one with {@link dev.venice.runtime.controller.VeniceController#start}
 * or {@link dev.venice.runtime.controller.ControllerMain}.
 */
package dev.venice.runtime.controller;
