package org.medclip.backend.model;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.medclip.clip.ClipEncoder;
import org.medclip.clip.EncoderOptions;

/** Opens model bundles into ONNX Runtime sessions (the only place the backend does so). */
@ApplicationScoped
public class EncoderRepository {
  private final EncoderOptions options;

  public EncoderRepository(
      @ConfigProperty(name = "medclip.encoder.intra-op-threads", defaultValue = "2") int threads,
      @ConfigProperty(name = "medclip.encoder.batch-size", defaultValue = "8") int batchSize) {
    this.options = EncoderOptions.defaults().withBatchSize(batchSize).withIntraOpThreads(threads);
  }

  /**
   * Opens a bundle and runs each graph once, so the first query is as fast as the tenth.
   *
   * @param bundleDirectory the bundle directory (absolute, or relative to the working directory)
   * @throws IOException when the bundle is missing, incomplete or its graphs do not load
   */
  public ClipEncoder open(String bundleDirectory) throws IOException {
    ClipEncoder encoder = ClipEncoder.open(Path.of(bundleDirectory), options);
    try {
      encoder.embedText("warm-up");
      int side = encoder.spec().imageSize();
      encoder.embedImages(List.of(new float[3 * side * side]));
      return encoder;
    } catch (RuntimeException e) {
      encoder.close();
      throw e;
    }
  }
}
