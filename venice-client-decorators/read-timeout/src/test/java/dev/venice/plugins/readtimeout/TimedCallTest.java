package dev.venice.plugins.readtimeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.RequestTimeoutException;
import dev.venice.spi.client.VeniceClientException;
import dev.venice.testkit.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The race of one call against its timer, with a timer the test fires by hand. */
class TimedCallTest {
  private static final RequestContext CONTEXT = RequestContext.of("s");

  /** A timer whose tasks run only when the test runs them. */
  private static final class HandTimer implements TimedCall.Timer {
    final List<Runnable> armed = new ArrayList<>();
    final List<Long> delays = new ArrayList<>();
    final List<CompletableFuture<Void>> handles = new ArrayList<>();

    @Override
    public Future<?> schedule(Runnable expiry, long delayNanos) {
      armed.add(expiry);
      delays.add(delayNanos);
      CompletableFuture<Void> handle = new CompletableFuture<>();
      handles.add(handle);
      return handle;
    }

    void fire() {
      armed.get(armed.size() - 1).run();
    }

    boolean cancelled() {
      return handles.get(handles.size() - 1).isCancelled();
    }
  }

  private final ManualTimeSource clock = new ManualTimeSource();
  private final HandTimer timer = new HandTimer();
  private final AtomicInteger timeouts = new AtomicInteger();

  private TimedCall<String> newCall(long millis) {
    return new TimedCall<>("s", Duration.ofMillis(millis), clock::nanoTime,
        timeouts::incrementAndGet);
  }

  @Test
  void theTimerIsArmedForTheTimeoutBeforeTheCallIsSent() {
    List<Integer> armedWhenSent = new ArrayList<>();
    newCall(75).start(timer, CONTEXT, context -> {
      armedWhenSent.add(timer.armed.size());
      return new CompletableFuture<>();
    });
    assertEquals(List.of(1), armedWhenSent);
    assertEquals(List.of(TimeUnit.MILLISECONDS.toNanos(75)), timer.delays);
  }

  @Test
  void anAnswerBeforeTheTimerCancelsTheTimer() {
    CompletableFuture<String> sent = new CompletableFuture<>();
    TimedCall<String> call = newCall(50).start(timer, CONTEXT, context -> sent);
    sent.complete("v");
    assertEquals("v", call.join());
    assertTrue(timer.cancelled());
    timer.fire(); // a timer that ran anyway changes nothing
    assertEquals("v", call.join());
    assertFalse(sent.isCancelled());
    assertEquals(0, timeouts.get());
  }

  @Test
  void theTimerFirstCancelsTheCallThenFailsTheCaller() {
    CompletableFuture<String> sent = new CompletableFuture<>();
    TimedCall<String> call = newCall(50).start(timer, CONTEXT, context -> sent);
    boolean[] cancelledFirst = new boolean[1];
    call.whenComplete((v, e) -> cancelledFirst[0] = sent.isCancelled());
    timer.fire();
    CompletionException failed = assertThrows(CompletionException.class, call::join);
    RequestTimeoutException timeout = assertInstanceOf(RequestTimeoutException.class,
        failed.getCause());
    assertEquals("store s: no answer within 50 ms", timeout.getMessage());
    assertTrue(cancelledFirst[0], "the call was cancelled before the caller heard of it");
    sent.complete("late");
    assertTrue(call.isCompletedExceptionally(), "a late answer changes nothing");
    assertEquals(1, timeouts.get());
  }

  @Test
  void aTimerFiringWhileTheCallIsSentCancelsItOnceSent() {
    CompletableFuture<String> sent = new CompletableFuture<>();
    TimedCall<String> call = newCall(1).start(timer, CONTEXT, context -> {
      timer.fire(); // the scheduler's thread, while the caller's thread is still sending
      return sent;
    });
    assertTrue(sent.isCancelled());
    assertInstanceOf(RequestTimeoutException.class,
        assertThrows(CompletionException.class, call::join).getCause());
    assertEquals(1, timeouts.get());
  }

  @Test
  void aTimerThatFiredBeforeSendingSendsNothing() {
    TimedCall.Timer immediate = (expiry, delayNanos) -> {
      expiry.run();
      return CompletableFuture.completedFuture(null);
    };
    AtomicInteger sends = new AtomicInteger();
    TimedCall<String> call = newCall(0).start(immediate, CONTEXT, context -> {
      sends.incrementAndGet();
      return new CompletableFuture<>();
    });
    assertTrue(call.isCompletedExceptionally());
    assertEquals(0, sends.get());
  }

  @Test
  void aSendThatThrowsFailsTheCallerAndCancelsTheTimer() {
    IllegalStateException broken = new IllegalStateException("broken serde");
    TimedCall<String> call = newCall(50).start(timer, CONTEXT, context -> {
      throw broken;
    });
    assertSame(broken, assertThrows(CompletionException.class, call::join).getCause());
    assertTrue(timer.cancelled());
  }

  @Test
  void aTimerThatCannotBeArmedFailsTheCallerWithoutSending() {
    AtomicInteger sends = new AtomicInteger();
    TimedCall<String> call = newCall(50).start((expiry, delayNanos) -> {
      throw new RejectedExecutionException("shut down");
    }, CONTEXT, context -> {
      sends.incrementAndGet();
      return new CompletableFuture<>();
    });
    VeniceClientException failed = assertInstanceOf(VeniceClientException.class,
        assertThrows(CompletionException.class, call::join).getCause());
    assertEquals("store s: the read-timeout plugin is stopped: no timer for the call",
        failed.getMessage());
    assertEquals(0, sends.get());
  }

  @Test
  void aFutureTheCallerCompletedItselfIsNotCountedAsATimeout() {
    CompletableFuture<String> sent = new CompletableFuture<>();
    TimedCall<String> call = newCall(50).start(timer, CONTEXT, context -> sent);
    call.complete("the caller's own default");
    timer.fire();
    assertTrue(sent.isCancelled(), "the caller gave up on the call");
    assertEquals("the caller's own default", call.join());
    assertEquals(0, timeouts.get());
  }

  /**
   * The answer and the timer on two threads at once, many times: each call has one outcome, and
   * the timeouts counted are exactly the calls whose callers saw a timeout.
   */
  @Test
  void anAnswerRacingTheTimerHasExactlyOneOutcome() throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      int answered = 0;
      int timedOut = 0;
      for (int i = 0; i < 2000; i++) {
        CompletableFuture<String> sent = new CompletableFuture<>();
        TimedCall<String> call = newCall(50).start(timer, CONTEXT, context -> sent);
        CountDownLatch go = new CountDownLatch(1);
        Future<?> answer = threads.submit(() -> {
          go.await();
          return sent.complete("v");
        });
        Future<?> expiry = threads.submit(() -> {
          go.await();
          timer.fire();
          return null;
        });
        go.countDown();
        answer.get(10, TimeUnit.SECONDS);
        expiry.get(10, TimeUnit.SECONDS);
        if (call.isCompletedExceptionally()) {
          timedOut++;
          assertInstanceOf(RequestTimeoutException.class,
              assertThrows(CompletionException.class, call::join).getCause());
        } else {
          answered++;
          assertEquals("v", call.join());
          assertTrue(timer.cancelled(), "call " + i + ": answered, the timer cancelled");
        }
      }
      assertEquals(2000, answered + timedOut);
      assertEquals(timedOut, timeouts.get(), "answered " + answered + ", timed out " + timedOut);
    } finally {
      threads.shutdownNow();
      assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS));
    }
  }
}
