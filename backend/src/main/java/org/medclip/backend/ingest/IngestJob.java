package org.medclip.backend.ingest;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.medclip.clip.corpus.ImageClefDataset;

/**
 * The live state of one ingest job. Counters are updated by the job's thread and read by any thread
 * ({@link #snapshot()}); cancellation is a flag the job checks between batches.
 */
final class IngestJob {
  /** At most this many failures are listed in the report (all are counted). */
  static final int MAX_LISTED_FAILURES = 1000;

  enum State {
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED
  }

  private final String id;
  private final String source;
  private final Path folder;
  private final Path imagesRoot;
  private final ImageClefDataset dataset;
  private final ModelHandle model;
  private final OffsetDateTime startedAt = OffsetDateTime.now();
  private final long startNanos = System.nanoTime();
  private final AtomicInteger embedded = new AtomicInteger();
  private final AtomicInteger skipped = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final List<IngestJobResponse.Failure> failures = new ArrayList<>();
  private volatile boolean cancelRequested;
  private volatile State state = State.RUNNING;
  private volatile OffsetDateTime finishedAt;
  private volatile long finishedNanos;
  private volatile String message;

  IngestJob(
      String id,
      String source,
      Path folder,
      Path imagesRoot,
      ImageClefDataset dataset,
      ModelHandle model) {
    this.id = id;
    this.source = source;
    this.folder = folder;
    this.imagesRoot = imagesRoot;
    this.dataset = dataset;
    this.model = model;
  }

  String id() {
    return id;
  }

  Path folder() {
    return folder;
  }

  Path imagesRoot() {
    return imagesRoot;
  }

  ImageClefDataset dataset() {
    return dataset;
  }

  ModelHandle model() {
    return model;
  }

  State state() {
    return state;
  }

  boolean isRunning() {
    return state == State.RUNNING;
  }

  boolean cancelRequested() {
    return cancelRequested;
  }

  /** Asks the job to stop after the batch it is working on. */
  void cancel() {
    cancelRequested = true;
  }

  void addEmbedded(int n) {
    embedded.addAndGet(n);
  }

  void addSkipped(int n) {
    skipped.addAndGet(n);
  }

  void addFailure(String imageId, String reason) {
    failed.incrementAndGet();
    synchronized (failures) {
      if (failures.size() < MAX_LISTED_FAILURES) {
        failures.add(new IngestJobResponse.Failure(imageId, reason));
      }
    }
  }

  void finish(State end, String why) {
    message = why;
    finishedNanos = System.nanoTime();
    finishedAt = OffsetDateTime.now();
    state = end;
  }

  IngestJobResponse snapshot() {
    int e = embedded.get();
    int s = skipped.get();
    int f = failed.get();
    int processed = e + s + f;
    long end = state == State.RUNNING ? System.nanoTime() : finishedNanos;
    double seconds = Math.max(1e-9, (end - startNanos) / 1e9);
    double rate = Math.round(processed / seconds * 10.0) / 10.0;
    List<IngestJobResponse.Failure> listed;
    synchronized (failures) {
      listed = List.copyOf(failures);
    }
    return new IngestJobResponse(
        id,
        state.name().toLowerCase(java.util.Locale.ROOT),
        source,
        model.row().id(),
        dataset.records().size(),
        processed,
        e,
        s,
        f,
        dataset.report().totalBadRows(),
        rate,
        cancelRequested,
        startedAt,
        finishedAt,
        message,
        listed);
  }
}
