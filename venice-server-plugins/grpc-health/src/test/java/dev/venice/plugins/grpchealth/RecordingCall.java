package dev.venice.plugins.grpchealth;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.venice.plugins.grpchealth.proto.HealthCheckResponse;
import dev.venice.plugins.grpchealth.proto.HealthCheckResponse.ServingStatus;
import dev.venice.spi.rpc.RpcCall;
import dev.venice.spi.rpc.RpcStatus;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An {@link RpcCall} as a host carries it (calls after the end do nothing), recording each
 * response decoded with the protobuf classes, how the call ended, and any use after its end (a
 * host ignores those; a plugin making them has lost track of the call). {@link #cancel()} acts as
 * the caller going away. Thread-safe.
 */
final class RecordingCall implements RpcCall {
  private final List<ServingStatus> statuses = new CopyOnWriteArrayList<>();
  private final List<String> misuse = new CopyOnWriteArrayList<>();
  private boolean completed;
  private boolean cancelled;
  private RpcStatus failure;
  private String description;
  private Runnable onCancel;

  @Override
  public synchronized void send(byte[] message) {
    if (isDone()) {
      misuse.add("send after the end");
      return;
    }
    try {
      statuses.add(HealthCheckResponse.parseFrom(message).getStatus());
    } catch (InvalidProtocolBufferException e) {
      misuse.add("not a HealthCheckResponse: " + e.getMessage());
    }
  }

  @Override
  public synchronized void complete() {
    if (isDone()) {
      misuse.add("complete after the end");
      return;
    }
    completed = true;
  }

  @Override
  public synchronized void fail(RpcStatus status, String why) {
    if (isDone()) {
      misuse.add("fail after the end");
      return;
    }
    failure = status;
    description = why;
  }

  @Override
  public synchronized boolean isDone() {
    return completed || cancelled || failure != null;
  }

  @Override
  public void onCancel(Runnable action) {
    boolean now;
    synchronized (this) {
      now = cancelled;
      onCancel = action;
    }
    if (now) {
      action.run();
    }
  }

  /** The caller cancels: the registered action runs (once). */
  void cancel() {
    Runnable action;
    synchronized (this) {
      if (isDone()) {
        return;
      }
      cancelled = true;
      action = onCancel;
    }
    if (action != null) {
      action.run();
    }
  }

  /** The statuses received, in order. */
  List<ServingStatus> statuses() {
    return List.copyOf(statuses);
  }

  /** Whether the handler ended the call with OK. */
  synchronized boolean completed() {
    return completed;
  }

  /** The error status the handler ended the call with, or null. */
  synchronized RpcStatus failure() {
    return failure;
  }

  /** The error's description, or null. */
  synchronized String description() {
    return description;
  }

  /** Calls made after the call ended (none from a correct handler). */
  List<String> misuse() {
    return List.copyOf(misuse);
  }
}
