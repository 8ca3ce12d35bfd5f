/**
 * The {@code grpc-health} plugin: the standard {@code grpc.health.v1.Health} service (Check and
 * Watch) on the gRPC port of servers, routers and controllers, answering liveness (service {@code
 * ""}) and readiness (service {@code venice.readiness} by default) from the process's serving
 * lifecycle, for Kubernetes {@code grpc} probes and any gRPC health client. See the module's
 * README.
 */
package dev.venice.plugins.grpchealth;
