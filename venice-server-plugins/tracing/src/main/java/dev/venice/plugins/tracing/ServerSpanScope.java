package dev.venice.plugins.tracing;

import dev.venice.spi.server.RequestEnd;
import dev.venice.spi.server.RequestScope;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import java.util.Map;

/**
 * One read call's SERVER span while the call runs: the headers for the calls made on its behalf,
 * and the end ({@code rpc.grpc.status_code}; ERROR status for the codes the conventions count as
 * server errors). {@link #onEnd} is called once by the host.
 */
final class ServerSpanScope implements RequestScope {
  private final Span span;
  private final Map<String, String> outgoing;

  ServerSpanScope(Span span, Map<String, String> outgoing) {
    this.span = span;
    this.outgoing = outgoing;
  }

  @Override
  public Map<String, String> outgoingHeaders() {
    return outgoing;
  }

  @Override
  public void onEnd(RequestEnd end) {
    span.setAttribute(RpcConventions.RPC_GRPC_STATUS_CODE, (long) end.statusCode());
    if (RpcConventions.isServerError(end.statusCode())) {
      span.setAttribute(RpcConventions.ERROR_TYPE, end.status());
      span.setStatus(StatusCode.ERROR, end.description());
    }
    span.end();
  }
}
