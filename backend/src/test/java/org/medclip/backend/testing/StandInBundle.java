package org.medclip.backend.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.medclip.clip.ClipConfig;
import org.medclip.clip.bundle.ModelBundle;
import org.medclip.clip.bundle.ModelSpec;
import org.medclip.clip.testing.TestBundles;
import org.medclip.clip.text.TokenizerBuilder;

/**
 * Writes a small model bundle with random stand-in graphs that have the real signatures (clip's
 * {@link TestBundles} graphs, here with 16-d vectors unless another size is asked for): image
 * {@code pixel_values [N,3,S,S] -> Flatten -> MatMul -> LpNormalization -> image_embeds [N,D]};
 * text {@code input_ids [N,L] -> Gather -> CumSum -> GatherND at the EOS (the highest id) ->
 * LpNormalization -> text_embeds [N,D]}. Vectors are L2-normalised but carry no meaning.
 */
public final class StandInBundle {
  /** Embedding dimension of stand-in bundles. */
  public static final int DIM = 16;

  /** Image side in pixels. */
  public static final int IMAGE_SIZE = 32;

  /** Context length in tokens. */
  public static final int CONTEXT = 16;

  private StandInBundle() {}

  /** Writes a bundle named {@code name} version {@code version} to {@code dir}. */
  public static void write(Path dir, String name, String version, List<String> captions, long seed)
      throws IOException {
    write(dir, name, version, captions, seed, DIM);
  }

  /** Writes a bundle with {@code dim}-dimensional vectors (another model size). */
  public static void write(
      Path dir, String name, String version, List<String> captions, long seed, int dim)
      throws IOException {
    Files.createDirectories(dir);
    TokenizerBuilder.Vocabulary vocabulary =
        new TokenizerBuilder().write(captions, dir.resolve(ModelBundle.TOKENIZER_FILE));
    int vocabSize = vocabulary.size();
    Random rnd = new Random(seed);
    float[] w = gaussian(rnd, 3 * IMAGE_SIZE * IMAGE_SIZE * dim, 0.02f);
    float[] e = gaussian(rnd, vocabSize * dim, 1f);
    Files.write(
        dir.resolve(ModelBundle.IMAGE_ENCODER_FILE), TestBundles.imageGraph(w, IMAGE_SIZE, dim));
    Files.write(
        dir.resolve(ModelBundle.TEXT_ENCODER_FILE),
        TestBundles.textGraph(e, vocabSize, dim, false));
    ClipConfig config =
        new ClipConfig(
            new ClipConfig.TextConfig(
                vocabSize,
                32,
                64,
                2,
                4,
                CONTEXT,
                "quick_gelu",
                1e-5,
                vocabulary.bosId(),
                vocabulary.eosId(),
                vocabulary.padId()),
            new ClipConfig.VisionConfig(32, 64, 2, 4, IMAGE_SIZE, 8, 3, "quick_gelu", 1e-5),
            dim,
            2.6592);
    ModelBundle.write(
        dir,
        ModelSpec.of(
            name,
            version,
            config,
            ModelSpec.Provenance.now("scratch", "backend tests", "test", Map.of("seed", seed)),
            Map.of()));
  }

  private static float[] gaussian(Random rnd, int n, float scale) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) rnd.nextGaussian() * scale;
    }
    return out;
  }
}
