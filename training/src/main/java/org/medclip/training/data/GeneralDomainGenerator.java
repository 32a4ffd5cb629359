package org.medclip.training.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import org.medclip.clip.corpus.DatasetException;
import org.medclip.clip.corpus.ImageClefWriter;
import org.medclip.training.pipeline.Semantics;

/**
 * A general-domain synthetic corpus in the ImageCLEF 2017 layout, used to pretrain the demo's base
 * model (the stand-in for a general-domain CLIP): 128x128 RGB PNGs of one to three shapes of one
 * colour grouped at one of nine positions, on a plain background, with captions such as "two red
 * circles at the top left". Every stated attribute (count, size, colour, shape, position,
 * background) is drawn. Deterministic like {@link SyntheticCorpusGenerator}; ids {@code
 * gen-NNNNNN}.
 */
public final class GeneralDomainGenerator {

  /** Id prefix of generated images. */
  public static final String ID_PREFIX = "gen-";

  private GeneralDomainGenerator() {}

  /** Shape of the objects. */
  public enum Shape {
    CIRCLE,
    SQUARE,
    TRIANGLE,
    STAR
  }

  /** Object colours with their RGB values in [0, 1]. */
  public enum Colour {
    RED(.86f, .12f, .12f),
    GREEN(.15f, .70f, .20f),
    BLUE(.15f, .30f, .90f),
    YELLOW(.95f, .88f, .15f),
    PURPLE(.55f, .20f, .70f),
    ORANGE(.98f, .55f, .10f);

    final float[] rgb;

    Colour(float r, float g, float b) {
      this.rgb = new float[] {r, g, b};
    }
  }

  /** Background colour. */
  public enum Background {
    WHITE(.97f),
    BLACK(.04f),
    GREY(.5f);

    final float value;

    Background(float v) {
      this.value = v;
    }
  }

  /** Cells of a 3x3 grid, row-major from the top left. */
  public enum Position {
    TOP_LEFT("at the top left", "in the top left corner", "top left"),
    TOP("at the top", "along the top", "top"),
    TOP_RIGHT("at the top right", "in the top right corner", "top right"),
    LEFT("on the left", "at the left", "left"),
    CENTRE("in the centre", "in the middle", "centre"),
    RIGHT("on the right", "at the right", "right"),
    BOTTOM_LEFT("at the bottom left", "in the bottom left corner", "bottom left"),
    BOTTOM("at the bottom", "along the bottom", "bottom"),
    BOTTOM_RIGHT("at the bottom right", "in the bottom right corner", "bottom right");

    final String[] phrases;

    Position(String... phrases) {
      this.phrases = phrases;
    }

    /** Centre of the cell in a 128-pixel image. */
    double cx() {
      return 21.33 + 42.67 * (ordinal() % 3);
    }

    double cy() {
      return 21.33 + 42.67 * (ordinal() / 3);
    }
  }

  /**
   * One image.
   *
   * @param shape shape of all objects
   * @param colour colour of all objects
   * @param count 1 to 3 objects
   * @param large one large object (only when count is 1) instead of small ones
   * @param position grid cell holding the objects
   * @param background plain background
   * @param seed drives small offsets
   */
  public record Spec(
      Shape shape,
      Colour colour,
      int count,
      boolean large,
      Position position,
      Background background,
      long seed) {
    /** Checks count and size. */
    public Spec {
      if (count < 1 || count > 3 || (large && count != 1)) {
        throw new IllegalArgumentException("count 1..3, large only for one object");
      }
    }
  }

  /** The id of global index {@code index}. */
  public static String id(long index) {
    return String.format(Locale.ROOT, "%s%06d", ID_PREFIX, index);
  }

  /** The spec of global index {@code index}. */
  public static Spec spec(long seed, long index) {
    SplittableRandom r = new SplittableRandom(MedicalRenderer.mix(seed ^ 0x6E4E7A1L, index));
    int count = 1 + r.nextInt(3);
    boolean large = count == 1 && r.nextBoolean();
    return new Spec(
        Shape.values()[r.nextInt(Shape.values().length)],
        Colour.values()[r.nextInt(Colour.values().length)],
        count,
        large,
        Position.values()[r.nextInt(Position.values().length)],
        Background.values()[r.nextInt(Background.values().length)],
        r.nextLong());
  }

  /**
   * Draws {@code spec}: objects of outer radius 8 to 9 (small) or 15 to 17 (large) pixels, kept
   * inside their 42-pixel grid cell.
   */
  static Canvas render(Spec spec) {
    Canvas c = new Canvas(MedicalRenderer.SIZE, MedicalRenderer.SIZE, 3);
    c.fill(new float[] {spec.background().value, spec.background().value, spec.background().value});
    SplittableRandom r = new SplittableRandom(spec.seed());
    double radius = spec.large() ? 15 + r.nextDouble() * 2 : 8 + r.nextDouble();
    double cx = spec.position().cx() + (r.nextDouble() * 2 - 1) * 2;
    double cy = spec.position().cy() + (r.nextDouble() * 2 - 1) * 2;
    // 1: centre; 2: side by side; 3: triangle arrangement; spacing 2.1 radii keeps them apart
    double s = radius * 1.1;
    double[][] offsets =
        switch (spec.count()) {
          case 1 -> new double[][] {{0, 0}};
          case 2 -> new double[][] {{-s, 0}, {s, 0}};
          default -> new double[][] {{-s, s * 0.9}, {s, s * 0.9}, {0, -s * 0.9}};
        };
    for (double[] o : offsets) {
      draw(c, spec.shape(), cx + o[0], cy + o[1], radius, spec.colour().rgb);
    }
    // no noise: flat colours keep the PNGs small (about 1 KB) and the task about shape and place
    return c;
  }

  private static void draw(Canvas c, Shape shape, double x, double y, double r, float[] rgb) {
    switch (shape) {
      case CIRCLE -> c.ellipse(x, y, r, r, 0, rgb, 1f);
      case SQUARE -> c.rect(x, y, r * 0.85, r * 0.85, 0, rgb, 1f);
      case TRIANGLE ->
          c.polygon(
              new double[] {x, x + r * 0.95, x - r * 0.95},
              new double[] {y - r, y + r * 0.7, y + r * 0.7},
              rgb,
              1f);
      case STAR -> {
        double inner = r * 0.42;
        double[] px = new double[5];
        double[] py = new double[5];
        for (int i = 0; i < 5; i++) {
          double a = -Math.PI / 2 + i * 2 * Math.PI / 5;
          px[i] = x + inner * Math.cos(a + Math.PI / 5);
          py[i] = y + inner * Math.sin(a + Math.PI / 5);
        }
        c.polygon(px, py, rgb, 1f);
        for (int i = 0; i < 5; i++) {
          double a = -Math.PI / 2 + i * 2 * Math.PI / 5;
          int prev = (i + 4) % 5;
          c.polygon(
              new double[] {x + r * Math.cos(a), px[i], px[prev]},
              new double[] {y + r * Math.sin(a), py[i], py[prev]},
              rgb,
              1f);
        }
      }
    }
  }

  private static final String[] NUMBER_WORDS = {"", "one", "two", "three"};

  /** The caption of {@code spec}, e.g. "two red circles at the top left". */
  static String caption(Spec spec) {
    SplittableRandom r = new SplittableRandom(MedicalRenderer.mix(spec.seed(), 0xCA9L));
    String colour = spec.colour().name().toLowerCase(Locale.ROOT);
    String shape = spec.shape().name().toLowerCase(Locale.ROOT);
    String noun = spec.count() == 1 ? shape : shape + "s";
    String size = spec.large() ? "large " : (spec.count() > 1 && r.nextBoolean() ? "small " : "");
    String number =
        spec.count() == 1
            ? (r.nextBoolean() ? "a " : "one ")
            : (r.nextInt(4) == 0 ? spec.count() + " " : NUMBER_WORDS[spec.count()] + " ");
    String[] ph = spec.position().phrases;
    String where = r.nextBoolean() ? ph[0] : ph[1];
    String text;
    if (r.nextInt(4) == 0) {
      // adjectival form: "three small blue squares, top left"
      text = number + size + colour + " " + noun + ", " + ph[2];
    } else {
      text = number + size + colour + " " + noun + " " + where;
    }
    if (r.nextInt(3) == 0) {
      text += " on a " + spec.background().name().toLowerCase(Locale.ROOT) + " background";
    }
    if (r.nextInt(5) == 0) {
      text = (r.nextBoolean() ? "a picture of " : "an image of ") + text;
    }
    return text;
  }

  /** Sample {@code index}: id, PNG bytes and caption. */
  static ImageClefWriter.Sample sample(long seed, long index) {
    Spec spec = spec(seed, index);
    return new ImageClefWriter.Sample(id(index), render(spec).toPng(), ".png", caption(spec));
  }

  /** Writes a corpus under {@code out}; see {@link SyntheticCorpusGenerator#generate}. */
  public static void generate(
      Path out, long seed, int train, int test, int unlabelled, int threads, boolean overwrite)
      throws DatasetException, IOException {
    ImageClefWriter.prepare(out, overwrite);
    ImageClefWriter.write(
        out,
        index -> sample(seed, index),
        new ImageClefWriter.Counts(train, test, unlabelled),
        threads);
    Semantics.write(
        out,
        (long) train + test,
        GeneralDomainGenerator::id,
        i -> {
          Spec spec = spec(seed, i);
          return meaning(spec, caption(spec));
        });
  }

  /**
   * What {@code caption} (the caption of {@code spec}) states: shape, colour, count, large or not,
   * position, and the background when the caption names it (not the wording or small offsets).
   */
  public static String meaning(Spec spec, String caption) {
    return String.join(
        " ",
        spec.shape().name(),
        spec.colour().name(),
        String.valueOf(spec.count()),
        spec.large() ? "LARGE" : "-",
        spec.position().name(),
        caption.contains(" background") ? spec.background().name() : "-");
  }
}
