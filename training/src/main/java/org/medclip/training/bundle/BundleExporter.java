package org.medclip.training.bundle;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Stream;
import org.medclip.clip.ClipConfig;
import org.medclip.clip.bundle.ModelBundle;
import org.medclip.clip.bundle.ModelSpec;
import org.medclip.training.onnx.OnnxExporter;
import org.medclip.training.onnx.TextPooling;
import org.medclip.training.weights.StateDict;

/**
 * Writes a model bundle (the contract between training and serving): {@code image-encoder.onnx},
 * {@code text-encoder.onnx}, {@code tokenizer.json} and {@code clip-model.json}.
 *
 * <p>The bundle is assembled in a temporary sibling directory, validated by {@link
 * ModelBundle#write}, and only then renamed to its final name, so a killed export never leaves a
 * half-written bundle behind.
 */
public final class BundleExporter {

  /** What to write. */
  public record Request(
      ClipConfig config,
      StateDict weights,
      TextPooling pooling,
      Path tokenizerJson,
      String name,
      String version,
      ModelSpec.Provenance provenance,
      Map<String, Object> evaluation) {
    public Request {
      Objects.requireNonNull(config, "config");
      Objects.requireNonNull(weights, "weights");
      Objects.requireNonNull(pooling, "pooling");
      Objects.requireNonNull(tokenizerJson, "tokenizerJson");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(version, "version");
      provenance = provenance == null ? ModelSpec.Provenance.unknown() : provenance;
      evaluation = evaluation == null ? Map.of() : evaluation;
    }
  }

  private BundleExporter() {}

  /**
   * Exports a bundle into {@code outDir}.
   *
   * @param request model, tokenizer and metadata
   * @param outDir final bundle directory; must not exist unless {@code replace}
   * @param replace whether an existing bundle at {@code outDir} is replaced
   * @return the written, validated bundle
   * @throws FileAlreadyExistsException when {@code outDir} exists and {@code replace} is false
   * @throws IOException when writing fails (nothing is left at {@code outDir} then)
   */
  public static ModelBundle export(Request request, Path outDir, boolean replace)
      throws IOException {
    Path target = outDir.toAbsolutePath().normalize();
    if (Files.exists(target) && !replace) {
      throw new FileAlreadyExistsException(
          target.toString(), null, "a model bundle already exists there");
    }
    if (!Files.isRegularFile(request.tokenizerJson())) {
      throw new IOException("tokenizer file not found: " + request.tokenizerJson());
    }
    Path parent = target.getParent();
    Files.createDirectories(parent);
    Path staging = parent.resolve("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      Files.createDirectories(staging);
      OnnxExporter.exportImageEncoder(
          request.config(), request.weights(), staging.resolve(ModelBundle.IMAGE_ENCODER_FILE));
      OnnxExporter.exportTextEncoder(
          request.config(),
          request.weights(),
          request.pooling(),
          staging.resolve(ModelBundle.TEXT_ENCODER_FILE));
      Files.copy(request.tokenizerJson(), staging.resolve(ModelBundle.TOKENIZER_FILE));
      ModelSpec spec =
          ModelSpec.of(
              request.name(),
              request.version(),
              request.config(),
              request.provenance(),
              request.evaluation());
      ModelBundle.write(staging, spec);
      if (Files.exists(target)) {
        deleteRecursively(target);
      }
      try {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(staging, target);
      }
      return ModelBundle.load(target);
    } finally {
      if (Files.exists(staging)) {
        deleteRecursively(staging);
      }
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
