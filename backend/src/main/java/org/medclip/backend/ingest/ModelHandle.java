package org.medclip.backend.ingest;

import org.medclip.backend.model.ModelRow;
import org.medclip.clip.ClipEncoder;
import org.medclip.clip.image.ImagePreprocessor;

/**
 * A model opened for one ingest job: its row, its own encoder sessions (closed when the job ends)
 * and the preprocessing of its bundle's spec.
 */
record ModelHandle(ModelRow row, ClipEncoder encoder, ImagePreprocessor preprocessor)
    implements AutoCloseable {

  static ModelHandle of(ModelRow row, ClipEncoder encoder) {
    var spec = encoder.spec();
    return new ModelHandle(
        row, encoder, new ImagePreprocessor(spec.imageSize(), spec.imageMean(), spec.imageStd()));
  }

  @Override
  public void close() {
    encoder.close();
  }
}
