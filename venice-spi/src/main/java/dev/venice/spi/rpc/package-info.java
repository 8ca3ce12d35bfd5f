/**
 * Services a plugin adds to its process's gRPC port, described without gRPC types: the host
 * (grpc-java) carries the calls, the plugin reads and writes the messages as bytes (encoded with
 * its own copy of protobuf, or anything else), so the SPI stays free of gRPC and protobuf and a
 * plugin never shares their classes with the host.
 *
 * @since 1.4.0
 */
package dev.venice.spi.rpc;
