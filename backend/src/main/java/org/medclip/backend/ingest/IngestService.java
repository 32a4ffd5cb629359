package org.medclip.backend.ingest;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.medclip.backend.common.ApiException;
import org.medclip.backend.db.DatabaseException;
import org.medclip.backend.model.EncoderRepository;
import org.medclip.backend.model.ModelRepository;
import org.medclip.backend.model.ModelRow;
import org.medclip.backend.model.ModelService;
import org.medclip.clip.ClipEncoder;
import org.medclip.clip.corpus.DatasetException;
import org.medclip.clip.corpus.ImageClefDataset;
import org.medclip.clip.corpus.ImageRecord;
import org.medclip.clip.image.ImageDecodeException;
import org.medclip.clip.image.ImageDecoder;
import org.medclip.clip.image.ImagePreprocessor;
import org.medclip.clip.image.RgbImage;

/**
 * Ingests an ImageCLEF-layout folder (all splits, the uncaptioned test images included) under a
 * model: per image its caption, split, file location (relative to {@code medclip.images.root}),
 * size, SHA-256 content hash, a JPEG thumbnail and its vector.
 *
 * <p>Images go in batches ({@code medclip.ingest.batch-size}); a worker thread reads, hashes,
 * decodes and preprocesses the next batch while the current one is embedded and written. Each batch
 * is written in one transaction, so a job killed at any point leaves whole batches only. Re-running
 * is the way to resume: an image whose stored content hash equals its file's and that has a vector
 * under the model is skipped; a changed file is re-embedded (its vectors under other models are
 * dropped, they describe the old file). A changed caption or split of an unchanged file is not
 * picked up by a re-run.
 *
 * <p>Jobs live in memory, one running at a time; their state is lost when the server restarts (a
 * re-run resumes anyway). The ImageCLEF TEST split and the uncaptioned test images are both stored
 * as split {@code test} (the latter without caption).
 */
@ApplicationScoped
public class IngestService {
  private static final Logger LOG = Logger.getLogger(IngestService.class);
  private static final int KEPT_JOBS = 50;

  private final Path imagesRoot;
  private final int batchSize;
  private final ModelRepository models;
  private final EncoderRepository encoders;
  private final IngestRepository repository;
  private final ExecutorService runner = Executors.newSingleThreadExecutor(daemon("ingest-job"));
  private final Map<String, IngestJob> jobs = new LinkedHashMap<>();
  private IngestJob current;

  private volatile Consumer<IngestJob> afterBatch = job -> {};

  public IngestService(
      @ConfigProperty(name = "medclip.images.root") String imagesRoot,
      @ConfigProperty(name = "medclip.ingest.batch-size", defaultValue = "32") int batchSize,
      ModelRepository models,
      EncoderRepository encoders,
      IngestRepository repository) {
    this.imagesRoot = Path.of(imagesRoot).toAbsolutePath().normalize();
    this.batchSize = Math.max(1, batchSize);
    this.models = models;
    this.encoders = encoders;
    this.repository = repository;
  }

  /**
   * Checks the request, opens the model and starts the job in the background.
   *
   * @throws ApiException 400 bad folder, 404 unknown model, 409 a job is running or the model
   *     cannot be used
   */
  public IngestJobResponse start(IngestRequest request) {
    ensureIdle();
    IngestJob job = prepare(request);
    synchronized (this) {
      if (current != null && current.isRunning()) {
        job.model().close();
        throw running(current);
      }
      current = job;
      jobs.put(job.id(), job);
      while (jobs.size() > KEPT_JOBS) {
        jobs.remove(jobs.keySet().iterator().next());
      }
    }
    Consumer<IngestJob> hook = afterBatch;
    runner.execute(() -> run(job, batchSize, hook));
    return job.snapshot();
  }

  /** Sets what runs after each written batch of jobs started by {@link #start} (tests). */
  void afterBatch(Consumer<IngestJob> hook) {
    afterBatch = hook == null ? job -> {} : hook;
  }

  /** A job's progress or report. */
  public Optional<IngestJobResponse> find(String id) {
    synchronized (this) {
      return Optional.ofNullable(jobs.get(id)).map(IngestJob::snapshot);
    }
  }

  /** Asks a job to stop after its current batch (a finished job is returned as it is). */
  public Optional<IngestJobResponse> cancel(String id) {
    IngestJob job;
    synchronized (this) {
      job = jobs.get(id);
    }
    if (job == null) {
      return Optional.empty();
    }
    if (job.isRunning()) {
      job.cancel();
    }
    return Optional.of(job.snapshot());
  }

  void onStop(@Observes ShutdownEvent event) {
    synchronized (this) {
      if (current != null) {
        current.cancel();
      }
    }
    runner.shutdown();
    try {
      runner.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private synchronized void ensureIdle() {
    if (current != null && current.isRunning()) {
      throw running(current);
    }
  }

  private static ApiException running(IngestJob job) {
    return ApiException.conflict(
        "Ingest job " + job.id() + " is running; wait for it or cancel it first.");
  }

  /** Validates a request and opens its model: a job ready to {@link #run}. */
  IngestJob prepare(IngestRequest request) {
    if (request == null || request.source() == null || request.source().isBlank()) {
      throw ApiException.badRequest("Name the folder to ingest in 'source'.");
    }
    String source = request.source().trim();
    Path folder = folder(source);
    ImageClefDataset dataset;
    try {
      dataset = ImageClefDataset.load(folder);
    } catch (DatasetException e) {
      throw ApiException.badRequest(e.getMessage().replace(folder.toString(), source));
    }
    ModelRow row = model(request.modelId());
    ClipEncoder encoder;
    try {
      encoder = encoders.open(row.bundleLocation());
    } catch (IOException | RuntimeException e) {
      LOG.errorf("Model %d: its bundle cannot be loaded for ingest: %s", row.id(), e.getMessage());
      throw ApiException.conflict(
          "Model "
              + row.id()
              + " cannot be used for ingest: its bundle cannot be loaded on this server; see the"
              + " server log.");
    }
    Optional<String> mismatch = ModelService.mismatch(row, encoder.spec());
    if (mismatch.isPresent()) {
      encoder.close();
      throw ApiException.conflict(
          "Model " + row.id() + " cannot be used for ingest: " + mismatch.get() + ".");
    }
    String id = UUID.randomUUID().toString();
    return new IngestJob(id, source, folder, imagesRoot, dataset, ModelHandle.of(row, encoder));
  }

  private Path folder(String source) {
    Path folder;
    try {
      folder = imagesRoot.resolve(Path.of(source)).normalize();
    } catch (InvalidPathException e) {
      throw ApiException.badRequest("The source is not a valid folder name.");
    }
    if (!folder.startsWith(imagesRoot)) {
      throw outsideRoot();
    }
    if (!Files.isDirectory(folder)) {
      throw ApiException.badRequest("Folder '" + source + "' does not exist on the server.");
    }
    try {
      if (!folder.toRealPath().startsWith(imagesRoot.toRealPath())) {
        throw outsideRoot();
      }
    } catch (IOException e) {
      throw ApiException.badRequest("Folder '" + source + "' cannot be read on the server.");
    }
    return folder;
  }

  private static ApiException outsideRoot() {
    return ApiException.badRequest(
        "The folder to ingest must lie under the server's image root (MEDCLIP_IMAGES_ROOT),"
            + " because image file locations are stored relative to it.");
  }

  private ModelRow model(Long modelId) {
    if (modelId != null) {
      return models
          .findById(modelId)
          .orElseThrow(() -> ApiException.notFound("No model has id " + modelId + "."));
    }
    return models
        .findActive()
        .orElseThrow(
            () ->
                ApiException.conflict(
                    "No model is active: activate one, or name the model to ingest with in"
                        + " 'modelId'."));
  }

  /** An image read, hashed, decoded and preprocessed, waiting for its vector. */
  private record Pending(IngestRepository.Row row, float[] tensor) {}

  /** One batch after the worker thread's part. */
  private record Prepared(
      List<Pending> pending,
      int skipped,
      List<IngestRepository.Metadata> metadata,
      List<String[]> failures) {}

  /**
   * Runs a job to its end on the calling thread (the job's state says how it ended).
   *
   * @param afterBatch called after each written batch (tests cancel or fail jobs here)
   */
  void run(IngestJob job, int size, Consumer<IngestJob> afterBatch) {
    ExecutorService decoder = Executors.newSingleThreadExecutor(daemon("ingest-decode"));
    long modelId = job.model().row().id();
    int batch = 0;
    try {
      Map<String, IngestRepository.Stored> stored = repository.stored(modelId);
      List<ImageRecord> records = job.dataset().records();
      List<List<ImageRecord>> batches = new ArrayList<>();
      for (int i = 0; i < records.size(); i += size) {
        batches.add(records.subList(i, Math.min(records.size(), i + size)));
      }
      Future<Prepared> next =
          batches.isEmpty() ? null : decoder.submit(() -> prepare(job, batches.get(0), stored));
      for (batch = 0; batch < batches.size(); batch++) {
        Prepared prepared = next.get();
        int following = batch + 1;
        next =
            following < batches.size()
                ? decoder.submit(() -> prepare(job, batches.get(following), stored))
                : null;
        List<float[]> tensors = new ArrayList<>(prepared.pending().size());
        for (Pending p : prepared.pending()) {
          tensors.add(p.tensor());
        }
        float[][] vectors =
            tensors.isEmpty() ? new float[0][] : job.model().encoder().embedImages(tensors);
        List<IngestRepository.Row> rows = new ArrayList<>(vectors.length);
        for (int i = 0; i < vectors.length; i++) {
          IngestRepository.Row r = prepared.pending().get(i).row();
          rows.add(
              new IngestRepository.Row(
                  r.id(),
                  r.split(),
                  r.caption(),
                  r.fileLocation(),
                  r.width(),
                  r.height(),
                  r.contentHash(),
                  r.thumbnail(),
                  vectors[i],
                  r.changed()));
        }
        repository.write(modelId, rows, prepared.metadata());
        job.addEmbedded(rows.size());
        job.addSkipped(prepared.skipped());
        for (String[] f : prepared.failures()) {
          job.addFailure(f[0], f[1]);
        }
        afterBatch.accept(job);
        if (job.cancelRequested()) {
          if (next != null) {
            next.cancel(true);
          }
          job.finish(IngestJob.State.CANCELLED, "Cancelled; re-run the job to resume.");
          LOG.infof("Ingest job %s cancelled after batch %d", job.id(), batch + 1);
          return;
        }
      }
      job.finish(IngestJob.State.SUCCEEDED, null);
      LOG.infof("Ingest job %s done: %s", job.id(), job.snapshot());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      job.finish(IngestJob.State.CANCELLED, "Interrupted; re-run the job to resume.");
    } catch (ExecutionException | RuntimeException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      String why =
          cause instanceof DatabaseException
              ? "The database failed during batch " + (batch + 1)
              : "Batch " + (batch + 1) + " failed";
      LOG.errorf(cause, "Ingest job %s: %s", job.id(), why);
      job.finish(
          IngestJob.State.FAILED,
          why + "; see the server log. Re-run the job to resume after the last written batch.");
    } finally {
      decoder.shutdownNow();
      job.model().close();
    }
  }

  /** The worker thread's part of a batch: read, hash, skip or decode, preprocess, thumbnail. */
  private static Prepared prepare(
      IngestJob job, List<ImageRecord> records, Map<String, IngestRepository.Stored> stored) {
    List<Pending> pending = new ArrayList<>(records.size());
    List<String[]> failures = new ArrayList<>();
    List<IngestRepository.Metadata> metadata = new ArrayList<>();
    int skipped = 0;
    ImagePreprocessor preprocessor = job.model().preprocessor();
    for (ImageRecord r : records) {
      if (Thread.currentThread().isInterrupted()) {
        break;
      }
      Path file = r.resolve(job.folder());
      byte[] bytes;
      try {
        if (Files.size(file) > ImagePreprocessor.MAX_FILE_BYTES) {
          failures.add(new String[] {r.id(), ImageDecodeException.Reason.TOO_LARGE.name()});
          continue;
        }
        bytes = Files.readAllBytes(file);
      } catch (IOException e) {
        failures.add(new String[] {r.id(), ImageDecodeException.Reason.IO_ERROR.name()});
        continue;
      }
      byte[] hash = sha256(bytes);
      String split = split(r);
      String location =
          job.imagesRoot()
              .relativize(file.toAbsolutePath().normalize())
              .toString()
              .replace('\\', '/');
      IngestRepository.Stored before = stored.get(r.id());
      boolean same = before != null && Arrays.equals(before.contentHash(), hash);
      if (same && before.hasVector()) {
        skipped++;
        if (!split.equals(before.split())
            || !Objects.equals(r.caption(), before.caption())
            || !location.equals(before.fileLocation())) {
          metadata.add(new IngestRepository.Metadata(r.id(), split, r.caption(), location));
        }
        continue;
      }
      RgbImage image;
      try {
        image = ImageDecoder.decode(bytes, r.id());
      } catch (ImageDecodeException e) {
        failures.add(new String[] {r.id(), e.reason().name()});
        continue;
      }
      IngestRepository.Row row =
          new IngestRepository.Row(
              r.id(),
              split,
              r.caption(),
              location,
              image.width(),
              image.height(),
              hash,
              Thumbnails.jpeg(image),
              null,
              before != null && !same);
      pending.add(new Pending(row, preprocessor.preprocess(image)));
    }
    return new Prepared(pending, skipped, metadata, failures);
  }

  /** The stored split: the uncaptioned ImageCLEF test images are {@code test} without caption. */
  private static String split(ImageRecord r) {
    return switch (r.split()) {
      case TRAIN -> "train";
      case VALIDATION -> "validation";
      case TEST, UNLABELLED -> "test";
    };
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
