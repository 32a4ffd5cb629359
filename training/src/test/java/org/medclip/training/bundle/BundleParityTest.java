package org.medclip.training.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medclip.clip.ClipConfig;
import org.medclip.clip.ClipEncoder;
import org.medclip.clip.EmbeddingResult;
import org.medclip.clip.bundle.ModelBundle;
import org.medclip.clip.bundle.ModelSpec;
import org.medclip.clip.image.ImagePreprocessor;
import org.medclip.clip.text.ClipTokenizer;
import org.medclip.clip.text.TokenBatch;
import org.medclip.clip.text.TokenizerBuilder;
import org.medclip.training.model.ClipModel;
import org.medclip.training.onnx.TextPooling;

/**
 * End to end from the trained model to serving: a DJL model exported as a bundle and opened by the
 * clip module's {@link ClipEncoder} (ONNX Runtime, Pillow-exact preprocessing, tokenizer.json)
 * gives the vectors the DJL model computes from the same files and texts.
 */
class BundleParityTest {
  static final List<String> CAPTIONS =
      List.of(
          "Axial CT of the chest shows a 12 mm nodule in the right upper lobe.",
          "Frontal chest radiograph: left pleural effusion.",
          "MRI T2 of the brain, normal study.",
          "Ultrasound of the abdomen with a small calcification (arrow).",
          "Lateral radiograph of the knee shows a fracture of the tibia.");

  @TempDir Path dir;

  @Test
  void encoderOutputsEqualTheDjlModelOnTheSameFilesAndTexts() throws Exception {
    Path tokenizerJson = dir.resolve("tokenizer.json");
    TokenizerBuilder.Vocabulary vocab = new TokenizerBuilder().write(CAPTIONS, tokenizerJson);
    ClipConfig tiny = ClipConfig.tiny();
    ClipConfig config =
        new ClipConfig(
            new ClipConfig.TextConfig(
                vocab.size(),
                32,
                64,
                2,
                4,
                16,
                "quick_gelu",
                1e-5,
                vocab.bosId(),
                vocab.eosId(),
                vocab.padId()),
            tiny.vision(),
            tiny.projectionDim(),
            tiny.logitScaleInit());

    List<Path> images = writeImages(dir.resolve("images"));
    Path bundleDir = dir.resolve("bundle");
    try (ClipModel model = ClipModel.create(config)) {
      model.initialize(42);
      ModelBundle bundle =
          BundleExporter.export(
              new BundleExporter.Request(
                  config,
                  model.toStateDict(),
                  TextPooling.FIRST_EOS,
                  tokenizerJson,
                  "parity-test",
                  "1",
                  ModelSpec.Provenance.now("scratch", "5 captions", "test", Map.of()),
                  Map.of("note", "random weights")),
              bundleDir,
              false);
      assertEquals(config, bundle.spec().config());

      // Serving side: files and texts in, vectors out.
      List<EmbeddingResult> served;
      float[][] servedTexts;
      try (ClipEncoder encoder = ClipEncoder.open(bundleDir)) {
        served = encoder.embedImageFiles(images);
        servedTexts = encoder.embedTexts(CAPTIONS);
      }

      // Training side: the same preprocessing and tokenizer classes feed the DJL model.
      ImagePreprocessor pre =
          new ImagePreprocessor(
              bundle.spec().imageSize(), bundle.spec().imageMean(), bundle.spec().imageStd());
      int side = bundle.spec().imageSize();
      float[] chw = new float[images.size() * 3 * side * side];
      for (int i = 0; i < images.size(); i++) {
        float[] one = pre.preprocess(images.get(i));
        System.arraycopy(one, 0, chw, i * one.length, one.length);
      }
      float[][] trainedImages = model.embedImages(chw, images.size());
      long[][] ids;
      try (ClipTokenizer tokenizer = ClipTokenizer.load(bundle)) {
        TokenBatch batch = tokenizer.encodeBatch(CAPTIONS);
        ids = new long[batch.rows()][];
        for (int i = 0; i < batch.rows(); i++) {
          ids[i] = batch.row(i);
        }
      }
      float[][] trainedTexts = model.embedTexts(ids);

      for (int i = 0; i < images.size(); i++) {
        assertTrue(served.get(i).isOk(), String.valueOf(served.get(i)));
        assertClose(trainedImages[i], served.get(i).vector(), 1e-4, "image " + i);
      }
      for (int i = 0; i < CAPTIONS.size(); i++) {
        assertClose(trainedTexts[i], servedTexts[i], 1e-4, "text " + i);
      }
    }
  }

  @Test
  void exportRefusesToOverwriteAndLeavesNoHalfBundle() throws Exception {
    Path tokenizerJson = dir.resolve("tokenizer.json");
    new TokenizerBuilder().write(CAPTIONS, tokenizerJson);
    Path bundleDir = dir.resolve("bundle");
    Files.createDirectories(bundleDir);
    Files.writeString(bundleDir.resolve("keep.txt"), "existing");
    try (ClipModel model = ClipModel.create(ClipConfig.tiny())) {
      model.initialize(1);
      BundleExporter.Request request =
          new BundleExporter.Request(
              ClipConfig.tiny(),
              model.toStateDict(),
              TextPooling.FIRST_EOS,
              tokenizerJson,
              "x",
              "1",
              null,
              null);
      assertThrows(
          FileAlreadyExistsException.class, () -> BundleExporter.export(request, bundleDir, false));
      assertTrue(Files.exists(bundleDir.resolve("keep.txt")));

      // A tokenizer with more ids than tiny()'s 99-token vocabulary: the bundle does not validate,
      // and neither the target nor a staging directory remains.
      List<String> manyWords = new ArrayList<>();
      for (int i = 0; i < 150; i++) {
        manyWords.add("word" + (char) ('a' + i % 26) + (char) ('a' + i / 26));
      }
      Path bigTokenizer = dir.resolve("big-tokenizer.json");
      new TokenizerBuilder().write(manyWords, bigTokenizer);
      BundleExporter.Request mismatched =
          new BundleExporter.Request(
              request.config(),
              request.weights(),
              request.pooling(),
              bigTokenizer,
              "x",
              "1",
              null,
              null);
      Path other = dir.resolve("other");
      assertThrows(IOException.class, () -> BundleExporter.export(mismatched, other, false));
      assertFalse(Files.exists(other));
      try (var listing = Files.list(dir)) {
        assertTrue(listing.noneMatch(p -> p.getFileName().toString().contains(".tmp-")));
      }
    }
  }

  private static List<Path> writeImages(Path folder) throws IOException {
    Files.createDirectories(folder);
    Random random = new Random(7);
    int[][] sizes = {{40, 32}, {97, 61}, {32, 32}, {200, 120}};
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < sizes.length; i++) {
      BufferedImage img = new BufferedImage(sizes[i][0], sizes[i][1], BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < img.getHeight(); y++) {
        for (int x = 0; x < img.getWidth(); x++) {
          img.setRGB(x, y, random.nextInt(1 << 24));
        }
      }
      Path file = folder.resolve("img-" + i + ".png");
      ImageIO.write(img, "png", file.toFile());
      files.add(file);
    }
    return files;
  }

  private static void assertClose(float[] expected, float[] actual, double tol, String what) {
    assertEquals(expected.length, actual.length, what + " length");
    double max = 0;
    for (int i = 0; i < expected.length; i++) {
      max = Math.max(max, Math.abs(expected[i] - actual[i]));
    }
    assertTrue(max <= tol, what + ": max abs difference " + max + " > " + tol);
  }
}
