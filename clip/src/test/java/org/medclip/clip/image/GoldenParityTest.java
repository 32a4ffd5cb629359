package org.medclip.clip.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parity with real Pillow + HF CLIPImageProcessor output in {@code shared/golden/clip-preprocess}.
 *
 * <p>PNG inputs are lossless, so the tensors must agree within 1e-5 (measured: exactly equal). JPEG
 * inputs go through the JDK's libjpeg instead of Pillow's libjpeg-turbo; measured maximum absolute
 * error: see {@link #JPEG_TOLERANCE}.
 */
class GoldenParityTest {

  /** Lossless inputs: float32 rounding only. */
  static final double PNG_TOLERANCE = 1e-5;

  /**
   * JPEG inputs: measured max abs error 0.0 on both golden JPEGs (the JDK decoder produced the same
   * samples as Pillow's here); a one-grey-level decoder difference would be 1/255/0.2613 = 0.015
   * after normalisation, so allow up to 2 grey levels: 2 / 255 / min(std) = 0.0301.
   */
  static final double JPEG_TOLERANCE = 2.0 / 255 / 0.26130258 + 1e-5;

  static Stream<Arguments> cases() throws IOException {
    JsonNode manifest =
        new ObjectMapper().readTree(Golden.clipPreprocess().resolve("manifest.json").toFile());
    List<Arguments> out = new ArrayList<>();
    for (JsonNode c : manifest.get("cases")) {
      out.add(Arguments.of(c.get("input").asText(), c));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesPillow(String input, JsonNode c) throws Exception {
    Path dir = Golden.clipPreprocess();
    float[] expected = Golden.readF32(dir.resolve(c.get("expected").asText()));
    ImagePreprocessor pre = ImagePreprocessor.clipDefaults(224);
    float[] actual = pre.preprocess(dir.resolve(input));
    assertEquals(3 * 224 * 224, expected.length, "golden file length");
    assertEquals(expected.length, actual.length, "tensor length");

    double maxErr = 0;
    for (int i = 0; i < expected.length; i++) {
      maxErr = Math.max(maxErr, Math.abs(expected[i] - actual[i]));
    }
    boolean jpeg = input.endsWith(".jpg") || input.endsWith(".jpeg");
    System.out.printf("golden %s: max abs error %.3g%n", input, maxErr);
    double tol = jpeg ? JPEG_TOLERANCE : PNG_TOLERANCE;
    assertTrue(maxErr <= tol, input + ": max abs error " + maxErr + " > " + tol);
  }

  @Test
  void manifestDimensionsMatchDecoderAndResizeRule() throws Exception {
    Path dir = Golden.clipPreprocess();
    JsonNode manifest = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile());
    for (JsonNode c : manifest.get("cases")) {
      byte[] bytes = Files.readAllBytes(dir.resolve(c.get("input").asText()));
      ImageInfo info = ImageDecoder.probe(bytes, c.get("input").asText());
      assertEquals(c.get("width").asInt(), info.width());
      assertEquals(c.get("height").asInt(), info.height());
      int w = info.width();
      int h = info.height();
      int rw = w <= h ? 224 : (int) (224.0 * w / h);
      int rh = w <= h ? (int) (224.0 * h / w) : 224;
      assertEquals(c.get("resized_width").asInt(), rw, "resized width");
      assertEquals(c.get("resized_height").asInt(), rh, "resized height");
      assertEquals(c.get("crop_left").asInt(), ImagePreprocessor.cropOffset(rw, 224));
      assertEquals(c.get("crop_top").asInt(), ImagePreprocessor.cropOffset(rh, 224));
    }
  }
}
