package dev.venice.runtime.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.client.StreamingCallback;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The publisher over a client that answers every key and completes before the subscriber has
 * asked for more than one (a thin client, or a decorator that changes threads, buffers so): the
 * entries wait for demand, and demand asked after the request finished still delivers them.
 */
class StreamingBatchGetPublisherTest {
  /** Answers every key at once, on the caller's thread, then completes. */
  private static final class AnswersAtOnce implements StoreClient<String, String> {
    @Override
    public String storeName() {
      return "s";
    }

    @Override
    public CompletableFuture<String> get(String key, RequestContext context) {
      return CompletableFuture.completedFuture(key.toUpperCase());
    }

    @Override
    public CompletableFuture<Map<String, String>> batchGet(Set<String> keys,
        RequestContext context) {
      throw new UnsupportedOperationException("not used by the publisher");
    }

    @Override
    public CompletableFuture<Void> streamingBatchGet(Set<String> keys, RequestContext context,
        StreamingCallback<String, String> callback) {
      keys.forEach(key -> callback.onRecord(key, key.toUpperCase()));
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {}
  }

  @Test
  void demandAskedOneAtATimeAfterTheRequestFinishedDeliversEveryEntry() throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    StreamingBatchGetPublisher.of(new AnswersAtOnce(), new TreeSet<>(Set.of("a", "b", "c")))
        .subscribe(new Flow.Subscriber<>() {
          private Flow.Subscription subscription;

          @Override
          public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
          }

          @Override
          public void onNext(StreamingBatchGetPublisher.Entry<String, String> item) {
            received.add(item.key() + "=" + item.value());
            subscription.request(1); // the request has finished by now: this must still count
          }

          @Override
          public void onError(Throwable t) {
            done.completeExceptionally(t);
          }

          @Override
          public void onComplete() {
            done.complete(null);
          }
        });
    done.get(10, TimeUnit.SECONDS);
    assertEquals(List.of("a=A", "b=B", "c=C"), received.stream().sorted().toList());
  }
}
