package org.medclip.backend.model;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.medclip.backend.common.ApiException;
import org.medclip.backend.db.DatabaseErrors;
import org.medclip.clip.ClipEncoder;
import org.medclip.clip.EmbeddingResult;
import org.medclip.clip.EncodedImage;
import org.medclip.clip.bundle.ModelSpec;

/**
 * Owns the serving model: its ONNX sessions (loaded at start-up, warmed, swapped on activation),
 * the text-query cache, and the guard that the bundle is the model the database row describes.
 *
 * <p>Invariant: a query vector is always returned with the id of the model that produced it, and
 * that model is the database's active one at the time of the call (one indexed query per vector
 * search checks it), so a model activated elsewhere (psql, another replica) is picked up by itself.
 */
@ApplicationScoped
public class ModelService {
  private static final Logger LOG = Logger.getLogger(ModelService.class);

  /** The 503 detail when no model is active. */
  public static final String NO_ACTIVE_MODEL =
      "No model is active: vector, hybrid and image search need one; activate a model with"
          + " POST /api/models/{id}/activate (caption text search works without one).";

  /** A bundle opened for a model row. */
  record Loaded(ModelRow row, ClipEncoder encoder) {}

  private final ModelRepository models;
  private final EncoderRepository encoders;
  private final TextEmbeddingCache cache;
  private volatile Loaded loaded;

  public ModelService(
      ModelRepository models, EncoderRepository encoders, TextEmbeddingCache cache) {
    this.models = models;
    this.encoders = encoders;
    this.cache = cache;
  }

  /** After the migrations (priority 10): load the active model, or stop with one sentence. */
  void onStart(@Observes @Priority(20) StartupEvent event) {
    loadActiveModel()
        .ifPresent(
            sentence -> {
              LOG.error(sentence);
              Quarkus.asyncExit(1);
            });
  }

  /**
   * Loads the active model's bundle (none active: nothing to load).
   *
   * @return the one sentence that must stop start-up when the active model cannot serve
   */
  synchronized Optional<String> loadActiveModel() {
    Optional<ModelRow> active;
    try {
      active = models.findActive();
    } catch (RuntimeException e) {
      if (DatabaseErrors.isConnectionFailure(e)) {
        return Optional.empty(); // DatabaseMigrator has reported it and is stopping.
      }
      return Optional.of(
          "The active model cannot be read from the database (SQLSTATE "
              + DatabaseErrors.sqlState(e)
              + "); check that the schema migrations ran.");
    }
    if (active.isEmpty()) {
      LOG.info(
          "No model is active: caption text search only until a model is activated"
              + " (POST /api/models/{id}/activate).");
      return Optional.empty();
    }
    ModelRow row = active.get();
    Loaded current = loaded;
    if (current != null && current.row().id() == row.id()) {
      return Optional.empty();
    }
    try {
      Loaded next = open(row);
      swap(next);
      LOG.infof(
          "Serving model %d '%s' (dimension %d, %s)",
          row.id(), row.name(), row.dimension(), next.encoder().executionProvider());
      return Optional.empty();
    } catch (BundleException e) {
      return Optional.of(e.startupSentence());
    }
  }

  /** The id of the model whose sessions are loaded, if any. */
  Optional<Long> loadedModelId() {
    Loaded current = loaded;
    return current == null ? Optional.empty() : Optional.of(current.row().id());
  }

  void onStop(@Observes ShutdownEvent event) {
    Loaded current = loaded;
    loaded = null;
    if (current != null) {
      current.encoder().close();
    }
  }

  /** Every registered model, oldest first. */
  public List<ModelResponse> listModels() {
    return models.list();
  }

  /**
   * Makes a model the serving one: opens and checks its bundle first (a bundle that does not load
   * or does not match leaves the current model serving), then activates it in the database in one
   * transaction, then swaps the sessions. Re-activating a retired model works the same way.
   *
   * @throws ApiException 404 unknown id, 409 when the bundle cannot be loaded or does not match
   */
  public synchronized ModelResponse activate(long id) {
    ModelRow row =
        models.findById(id).orElseThrow(() -> ApiException.notFound("No model has id " + id + "."));
    Loaded current = loaded;
    Loaded next;
    if (current != null && current.row().id() == id) {
      next = current;
    } else {
      try {
        next = open(row);
      } catch (BundleException e) {
        LOG.error(e.startupSentence());
        throw ApiException.conflict(e.clientSentence());
      }
    }
    try {
      models.activate(id);
    } catch (RuntimeException e) {
      if (next != current) {
        next.encoder().close();
      }
      throw e;
    }
    swap(next);
    LOG.infof("Activated model %d '%s'", row.id(), row.name());
    return models.describe(id).orElseThrow(() -> ApiException.notFound("No model has id " + id));
  }

  /**
   * The vector of a search text under the active model (cached per model and text).
   *
   * @throws ApiException 503 when no model is active or its bundle cannot be loaded
   */
  public QueryVector embedText(String text) {
    return embedText(serving(), text);
  }

  /** {@link #embedText(String)} with the sessions a caller obtained earlier (package: tests). */
  QueryVector embedText(Loaded serving, String text) {
    return withRetry(
        serving,
        s -> {
          long id = s.row().id();
          return new QueryVector(id, cache.get(id, text, () -> s.encoder().embedText(text)));
        });
  }

  /**
   * Decodes and embeds one image under the active model.
   *
   * @return the model id and the result (a vector, or the decoding error)
   * @throws ApiException 503 when no model is active or its bundle cannot be loaded
   */
  public ImageEmbedding embedImage(EncodedImage image) {
    return embedImage(serving(), image);
  }

  /** {@link #embedImage(EncodedImage)} with sessions obtained earlier (package: tests). */
  ImageEmbedding embedImage(Loaded serving, EncodedImage image) {
    return withRetry(
        serving,
        s -> new ImageEmbedding(s.row().id(), s.encoder().embedImageBytes(List.of(image)).get(0)));
  }

  /**
   * An uploaded image's embedding.
   *
   * @param modelId the model that produced it
   * @param result the vector, or why there is none
   */
  public record ImageEmbedding(long modelId, EmbeddingResult result) {}

  /** The loaded sessions, if any (package: tests). */
  Optional<Loaded> loaded() {
    return Optional.ofNullable(loaded);
  }

  /**
   * The database's active model (no sessions loaded: for callers that bring their own vectors).
   *
   * @throws ApiException 503 when no model is active
   */
  public ModelRow active() {
    return models.findActive().orElseThrow(() -> ApiException.unavailable(NO_ACTIVE_MODEL));
  }

  /** The database's active model with its sessions, (re)loaded when the active model changed. */
  private Loaded serving() {
    ModelRow active = active();
    Loaded current = loaded;
    if (current != null && current.row().id() == active.id()) {
      return current;
    }
    synchronized (this) {
      current = loaded;
      if (current != null && current.row().id() == active.id()) {
        return current;
      }
      try {
        Loaded next = open(active);
        swap(next);
        LOG.infof(
            "Model %d '%s' was activated elsewhere; now serving it", active.id(), active.name());
        return next;
      } catch (BundleException e) {
        LOG.error(e.startupSentence());
        throw ApiException.unavailable(
            "The active model cannot be loaded on this server; see the server log.");
      }
    }
  }

  private interface ServingCall<T> {
    T apply(Loaded serving);
  }

  /**
   * Runs a call on the given sessions. A swap closes the previous encoder, so a call that raced an
   * activation fails with {@link IllegalStateException}; it is retried once on the new sessions,
   * and its result then names the new model (a vector is never labelled with another model's id,
   * nor cached under it).
   */
  private <T> T withRetry(Loaded serving, ServingCall<T> call) {
    try {
      return call.apply(serving);
    } catch (IllegalStateException closed) {
      Loaded now = loaded;
      if (now == null || now == serving) {
        throw closed;
      }
      return call.apply(now);
    }
  }

  private void swap(Loaded next) {
    Loaded previous = loaded;
    loaded = next;
    if (previous != null && previous != next) {
      previous.encoder().close(); // waits for running calls
    }
  }

  private Loaded open(ModelRow row) throws BundleException {
    ClipEncoder encoder;
    try {
      encoder = encoders.open(row.bundleLocation());
    } catch (IOException | RuntimeException e) {
      throw new BundleException(row, "its bundle cannot be loaded (" + oneLine(e) + ")", null);
    }
    Optional<String> mismatch = mismatch(row, encoder.spec());
    if (mismatch.isPresent()) {
      encoder.close();
      throw new BundleException(row, mismatch.get(), mismatch.get());
    }
    return new Loaded(row, encoder);
  }

  /**
   * Why a bundle is not the model a row describes, if it is not: the dimensions must be equal, and
   * the row's name must be the bundle's {@code name} or {@code name@version} (names are unique in
   * the database, so versions of one model are registered as {@code name@version}).
   */
  public static Optional<String> mismatch(ModelRow row, ModelSpec spec) {
    boolean nameMatches =
        row.name().equals(spec.name()) || row.name().equals(spec.name() + "@" + spec.version());
    if (nameMatches && row.dimension() == spec.embeddingDim()) {
      return Optional.empty();
    }
    return Optional.of(
        "its bundle holds model '"
            + spec.name()
            + "' version "
            + spec.version()
            + " with dimension "
            + spec.embeddingDim()
            + ", but the database registered '"
            + row.name()
            + "' with dimension "
            + row.dimension());
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /** A model's bundle cannot serve it. */
  private static final class BundleException extends Exception {
    private final ModelRow row;
    private final String reason;
    private final String clientReason;

    BundleException(ModelRow row, String reason, String clientReason) {
      super(reason, null, false, false);
      this.row = row;
      this.reason = reason;
      this.clientReason = clientReason;
    }

    /** For the log: names the bundle directory and the fix. */
    String startupSentence() {
      String where =
          reason.contains(row.bundleLocation()) ? "" : " (bundle " + row.bundleLocation() + ")";
      return "Model "
          + row.id()
          + " '"
          + row.name()
          + "' cannot serve: "
          + reason
          + where
          + ". Fix: point the model's bundle_location at the bundle its vectors were made with,"
          + " or activate another model.";
    }

    /** For a client: no file paths. */
    String clientSentence() {
      return "Model "
          + row.id()
          + " cannot be activated: "
          + (clientReason != null
              ? clientReason
              : "its bundle cannot be loaded on this server; see the server log")
          + ".";
    }
  }
}
