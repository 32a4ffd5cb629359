package org.medclip.training.pipeline;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delivers the batches of an epoch IN ORDER, loading them ahead of the consumer.
 *
 * <p>Threads: {@code threads} daemon workers ({@code medclip-loader-N}) each load whole batches
 * (decode + preprocess + tokenise, see {@link BatchLoader}); the training thread only takes ready
 * batches. At most {@code depth} batches are loading or ready at any time (a bounded window of
 * futures, consumed in submission order), so memory is bounded by {@code depth} batches. With
 * {@code depth == 0} nothing runs ahead: each batch is loaded on the calling thread when asked for
 * (the synchronous path, used for benchmarks); both paths deliver identical batches.
 *
 * <p>{@link #close()} returns only when no worker runs any more, so the loader's resources (the
 * native tokenizer) may be closed right after it.
 *
 * <p>A loader failure is rethrown by {@link #next()} as an {@link IllegalStateException}. Not
 * thread-safe for consumers (one consumer thread).
 */
public final class Prefetcher implements AutoCloseable {
  private static final AtomicInteger POOL = new AtomicInteger();
  private final BatchLoader loader;
  private final List<int[]> batches;
  private final ExecutorService workers;
  private final Deque<Future<Batch>> window = new ArrayDeque<>();
  private final int depth;
  private int submitted;
  private int delivered;

  /**
   * @param loader makes a batch from indices
   * @param batches record indices of each batch, in delivery order
   * @param threads worker threads ({@code >= 1}; unused when {@code depth == 0})
   * @param depth batches loaded ahead; 0 = synchronous
   */
  public Prefetcher(BatchLoader loader, List<int[]> batches, int threads, int depth) {
    if (threads < 1 || depth < 0) {
      throw new IllegalArgumentException("need threads >= 1 and depth >= 0");
    }
    this.loader = loader;
    this.batches = batches;
    this.depth = depth;
    if (depth == 0) {
      this.workers = null;
    } else {
      int pool = POOL.incrementAndGet();
      AtomicInteger n = new AtomicInteger();
      this.workers =
          Executors.newFixedThreadPool(
              threads,
              r -> {
                Thread t = new Thread(r, "medclip-loader-" + pool + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      fill();
    }
  }

  private void fill() {
    while (window.size() < depth && submitted < batches.size()) {
      int i = submitted++;
      int[] idx = batches.get(i);
      window.addLast(workers.submit(() -> loader.load(i, idx)));
    }
  }

  /** Whether batches remain. */
  public boolean hasNext() {
    return delivered < batches.size();
  }

  /** The next batch, waiting for it if it is not ready yet. */
  public Batch next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    int i = delivered++;
    if (workers == null) {
      return loader.load(i, batches.get(i));
    }
    Future<Batch> f = window.pollFirst();
    try {
      Batch b = f.get();
      fill();
      return b;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for batch " + i, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "loading batch " + i + " failed: " + e.getCause(), e.getCause());
    }
  }

  /**
   * Cancels batches not started yet and WAITS for the workers to stop. Waiting is required: a
   * worker may be inside native code (the tokenizer) that an interrupt cannot stop, and the caller
   * closes that tokenizer next; freeing it under a running worker crashes the JVM.
   */
  @Override
  public void close() {
    if (workers == null) {
      return;
    }
    window.forEach(f -> f.cancel(false));
    window.clear();
    workers.shutdown();
    boolean interrupted = false;
    try {
      while (true) {
        try {
          if (workers.awaitTermination(1, TimeUnit.MINUTES)) {
            break;
          }
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Cuts {@code indices} into consecutive batches of {@code batchSize} (the last may be smaller).
   */
  public static List<int[]> chunk(int[] indices, int batchSize) {
    List<int[]> out = new java.util.ArrayList<>();
    for (int s = 0; s < indices.length; s += batchSize) {
      out.add(java.util.Arrays.copyOfRange(indices, s, Math.min(indices.length, s + batchSize)));
    }
    return out;
  }
}
