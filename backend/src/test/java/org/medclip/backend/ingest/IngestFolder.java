package org.medclip.backend.ingest;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.medclip.clip.corpus.ImageClefLayout;

/**
 * A tiny ImageCLEF-layout folder under the test image root: 6 training, 3 validation (our TEST
 * split) and 3 uncaptioned test images, random-pixel PNGs with ids {@code ing-00} to {@code
 * ing-11}; {@code ing-00} is 300 x 200 (its thumbnail is scaled down).
 */
final class IngestFolder {
  static final int TRAINING = 6;
  static final int VALIDATION = 3;
  static final int TEST = 3;
  static final int TOTAL = TRAINING + VALIDATION + TEST;

  /** Folder name under the image root (what a request names as its source). */
  final String name;

  /** The folder. */
  final Path root;

  private IngestFolder(String name, Path root) {
    this.name = name;
    this.root = root;
  }

  static IngestFolder write(Path imagesRoot) throws IOException {
    String name = "ingest-" + UUID.randomUUID().toString().substring(0, 8);
    Path root = imagesRoot.resolve(name);
    Files.createDirectories(root.resolve(ImageClefLayout.TRAINING_IMAGES));
    Files.createDirectories(root.resolve(ImageClefLayout.VALIDATION_IMAGES));
    Files.createDirectories(root.resolve(ImageClefLayout.TEST_IMAGES));
    IngestFolder folder = new IngestFolder(name, root);
    List<String> training = new ArrayList<>();
    List<String> validation = new ArrayList<>();
    List<String> test = new ArrayList<>();
    for (int i = 0; i < TOTAL; i++) {
      String id = id(i);
      if (i < TRAINING) {
        training.add(id + "\tChest radiograph number " + i + " with a small nodule.");
      } else if (i < TRAINING + VALIDATION) {
        validation.add(id + "\tBrain MRI number " + i + ", normal.");
      } else {
        test.add(id);
      }
      Files.write(folder.file(i), png(i, 0));
    }
    lines(root.resolve(ImageClefLayout.TRAINING_CAPTIONS), training);
    lines(root.resolve(ImageClefLayout.VALIDATION_CAPTIONS), validation);
    lines(root.resolve(ImageClefLayout.TEST_LIST), test);
    return folder;
  }

  static String id(int i) {
    return String.format("ing-%02d", i);
  }

  /** The image file of image {@code i}. */
  Path file(int i) {
    String dir =
        i < TRAINING
            ? ImageClefLayout.TRAINING_IMAGES
            : i < TRAINING + VALIDATION
                ? ImageClefLayout.VALIDATION_IMAGES
                : ImageClefLayout.TEST_IMAGES;
    return root.resolve(dir).resolve(id(i) + ".png");
  }

  /** Random pixels seeded by the index and a variant (another variant: another file). */
  static byte[] png(int i, int variant) throws IOException {
    return randomPng(i == 0 ? 300 : 24 + 4 * i, i == 0 ? 200 : 20 + 2 * i, i * 1000L + variant);
  }

  /** A {@code w} x {@code h} PNG of random pixels from {@code seed}. */
  static byte[] randomPng(int w, int h, long seed) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Random rnd = new Random(seed);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, rnd.nextInt(0x1000000));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  private static void lines(Path file, List<String> lines) throws IOException {
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
  }

  void delete() throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
